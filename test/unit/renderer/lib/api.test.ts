import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_NAMES, type EventName } from '../../../../src-main/shared/contract';
import { MAX_IMPORT_BYTES } from '../../../../src-main/shared/limits';
import {
  createHttpApi,
  importDroppedFiles,
  pickAndImportFiles,
} from '../../../../src-renderer/src/lib/api';
import { createFakeApi } from '../fake-api';

interface Seen {
  method: string;
  url: string;
  token: string | undefined;
  contentType: string | undefined;
  body: string;
}

/** A stand-in for the browser host on 127.0.0.1, answering per path. */
let server: Server;
let baseUrl: string;
const seen: Seen[] = [];
const answers = new Map<string, { status: number; body: string }>();

function readAll(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    req.on('end', () => resolve(text));
  });
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const body = await readAll(req);
    seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      token: req.headers['x-offprint-token'] as string | undefined,
      contentType: req.headers['content-type'],
      body,
    });
    const answer = answers.get(req.url ?? '') ?? {
      status: 200,
      body: JSON.stringify({ ok: true, value: { echo: JSON.parse(body || 'null') } }),
    };
    res.writeHead(answer.status, { 'Content-Type': 'application/json' });
    res.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('the HTTP bridge', () => {
  it('has a method for every channel of the contract', () => {
    const api = createHttpApi({ baseUrl, token: 't' });
    for (const channel of CHANNEL_NAMES) expect(typeof api[channel]).toBe('function');
  });

  it('posts the argument as JSON to /api/<channel> with the token', async () => {
    const api = createHttpApi({ baseUrl, token: 'secret-token' });
    seen.length = 0;
    const result = await api['article.get']({ id: 'trt-world' });
    expect(result).toEqual({ ok: true, value: { echo: { id: 'trt-world' } } });
    expect(seen).toEqual([
      {
        method: 'POST',
        url: '/api/article.get',
        token: 'secret-token',
        contentType: 'application/json',
        body: '{"id":"trt-world"}',
      },
    ]);
  });

  it('lets a delete and the reading position outlive the page (keepalive), and nothing else', async () => {
    const options: { channel: string; keepalive: boolean | undefined }[] = [];
    const recording: typeof fetch = async (input, init) => {
      options.push({ channel: String(input).split('/api/')[1] ?? '', keepalive: init?.keepalive });
      return fetch(input, init);
    };
    const api = createHttpApi({ baseUrl, token: 't', fetch: recording });
    await api['article.delete']({ id: 'old-news' });
    await api['article.setProgress']({ id: 'old-news', progress: 0.5 });
    await api['library.list']({});
    expect(options).toEqual([
      { channel: 'article.delete', keepalive: true },
      { channel: 'article.setProgress', keepalive: true },
      { channel: 'library.list', keepalive: false },
    ]);
  });

  it('passes on the error result of a refused call, whatever the status', async () => {
    answers.set('/api/library.list', {
      status: 403,
      body: JSON.stringify({
        ok: false,
        error: { code: 'not-permitted', message: 'Missing or wrong Offprint token.' },
      }),
    });
    const api = createHttpApi({ baseUrl, token: 'wrong' });
    expect(await api['library.list']({})).toEqual({
      ok: false,
      error: { code: 'not-permitted', message: 'Missing or wrong Offprint token.' },
    });
  });

  it('turns an answer that is not a result into a clear error', async () => {
    answers.set('/api/library.info', { status: 502, body: '<html>Bad gateway</html>' });
    const api = createHttpApi({ baseUrl, token: 't' });
    const result = await api['library.info']({});
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('io-error');
      expect(result.error.message).toContain('HTTP 502');
    }
  });

  it('says the background process is not reachable when nothing answers', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));

    const api = createHttpApi({ baseUrl: `http://127.0.0.1:${port}`, token: 't' });
    expect(await api['library.list']({})).toEqual({
      ok: false,
      error: { code: 'io-error', message: "Offprint's background process is not reachable." },
    });
  });

  it('does not call out at all from a page without a token', async () => {
    seen.length = 0;
    const api = createHttpApi({ baseUrl, token: null });
    const result = await api['library.list']({});
    expect(result.ok).toBe(false);
    expect(seen).toEqual([]);
  });
});

/** A scripted event stream: the test plays the server's part. */
class ScriptedEventSource extends EventTarget {
  static last: ScriptedEventSource | null = null;
  constructor(readonly url: string) {
    super();
    ScriptedEventSource.last = this;
  }
  push(event: EventName | 'open' | 'error', data?: string): void {
    this.dispatchEvent(data === undefined ? new Event(event) : new MessageEvent(event, { data }));
  }
  close(): void {}
}

describe('events over the HTTP bridge', () => {
  it('opens one stream with the token and hands parsed events to listeners', () => {
    const api = createHttpApi({
      baseUrl,
      token: 'a/b',
      EventSource: ScriptedEventSource as unknown as typeof EventSource,
    });
    const changes: unknown[] = [];
    const progress: unknown[] = [];
    const stop = api.on('library.changed', (payload) => changes.push(payload));
    api.on('progress', (payload) => progress.push(payload));
    const stream = ScriptedEventSource.last!;
    expect(stream.url).toBe(`${baseUrl}/api/events?token=a%2Fb`);

    stream.push('library.changed', '{"ids":["one"]}');
    stream.push('progress', '{"job":"import","label":"x","done":1,"total":2}');
    stream.push('library.changed', 'not json');
    expect(changes).toEqual([{ ids: ['one'] }]);
    expect(progress).toHaveLength(1);

    stop();
    stream.push('library.changed', '{"ids":["two"]}');
    expect(changes).toHaveLength(1);
  });

  it('asks for a full reload after the stream comes back from an outage', () => {
    const api = createHttpApi({
      baseUrl,
      token: 't',
      EventSource: ScriptedEventSource as unknown as typeof EventSource,
    });
    const changes: unknown[] = [];
    api.on('library.changed', (payload) => changes.push(payload));
    const stream = ScriptedEventSource.last!;
    stream.push('open');
    expect(changes).toEqual([]);
    stream.push('error');
    stream.push('open');
    expect(changes).toEqual([{ ids: [] }]);
  });
});

/** What one import.upload call carried. */
type Upload = {
  files: { name: string; relativePath?: string; dataBase64: string }[];
  resources?: { relativePath: string; dataBase64: string }[];
};

/** A fake that answers each uploaded file (as failed, "sent"): the tests look at what was sent. */
function savingFake() {
  return createFakeApi({
    'import.upload': ({ files }) => ({
      ok: true,
      value: files.map((file) => ({
        status: 'failed' as const,
        source: file.name,
        error: { code: 'empty-file', message: 'sent' },
      })),
    }),
  });
}

describe('importDroppedFiles', () => {
  it('sends the bytes as base64 and returns the outcomes in the order given', async () => {
    const fake = createFakeApi({
      'import.upload': ({ files }) => ({
        ok: true,
        value: files.map((file) => ({
          status: 'failed' as const,
          source: file.name,
          error: {
            code: 'unsupported-file',
            message: Buffer.from(file.dataBase64, 'base64').toString(),
          },
        })),
      }),
    });
    const bytes = new Uint8Array(70_000).map((_, i) => i % 251);
    const outcomes = await importDroppedFiles(
      [new File(['Grüße, Kyiv'], 'a.txt'), new File([bytes], 'b.html')],
      fake.api,
    );
    expect(outcomes.map((outcome) => outcome.source)).toEqual(['a.txt', 'b.html']);
    const upload = fake.callsTo('import.upload')[0] as Upload;
    expect(upload.files[0]).toEqual({
      name: 'a.txt',
      dataBase64: Buffer.from('Grüße, Kyiv').toString('base64'),
    });
    expect(Buffer.from(upload.files[1]!.dataBase64, 'base64').equals(Buffer.from(bytes))).toBe(
      true,
    );
  });

  it('refuses a file over the limit locally and still imports the rest', async () => {
    const fake = savingFake();
    const outcomes = await importDroppedFiles(
      [new File([new Uint8Array(MAX_IMPORT_BYTES + 1)], 'big.html'), new File(['x'], 'small.txt')],
      fake.api,
    );
    expect(outcomes[0]).toEqual({
      status: 'failed',
      source: 'big.html',
      error: {
        code: 'too-large',
        message: 'big.html is 20 MB; Offprint imports files up to 20 MB.',
      },
    });
    const sent = fake.callsTo('import.upload') as Upload[];
    expect(sent.flatMap((call) => call.files.map((file) => file.name))).toEqual(['small.txt']);
  });

  it('splits large uploads so that no call carries much more than one largest file', async () => {
    const fake = savingFake();
    const eightMegabytes = () => new Uint8Array(8 * 1024 * 1024);
    await importDroppedFiles(
      [
        new File([eightMegabytes()], '1.txt'),
        new File([eightMegabytes()], '2.txt'),
        new File([eightMegabytes()], '3.txt'),
      ],
      fake.api,
    );
    const sent = fake.callsTo('import.upload') as Upload[];
    expect(sent.map((call) => call.files.map((file) => file.name))).toEqual([
      ['1.txt', '2.txt'],
      ['3.txt'],
    ]);
  });

  it('gives every file of a refused call that call’s error', async () => {
    const fake = createFakeApi({
      'import.upload': () => ({
        ok: false,
        error: { code: 'io-error', message: "Offprint's background process is not reachable." },
      }),
    });
    const outcomes = await importDroppedFiles(
      [new File(['a'], 'a.txt'), new File(['b'], 'b.md')],
      fake.api,
    );
    expect(outcomes).toEqual(
      ['a.txt', 'b.md'].map((source) => ({
        status: 'failed',
        source,
        error: { code: 'io-error', message: "Offprint's background process is not reachable." },
      })),
    );
  });
});

describe('importDroppedFiles with folders', () => {
  const page = (refs: string) =>
    new File([`<html><body><p>Story</p>${refs}</body></html>`], 'page.html');

  it('sends a saved page with the images it names from its folder, and leaves the rest', async () => {
    const fake = savingFake();
    const outcomes = await importDroppedFiles(
      [
        { file: page('<img src="page_files/a.jpg">'), relativePath: 'Saved/page.html' },
        { file: new File(['A'], 'a.jpg'), relativePath: 'Saved/page_files/a.jpg' },
        { file: new File(['B'], 'b.jpg'), relativePath: 'Saved/page_files/b.jpg' },
        { file: new File(['css'], 'style.css'), relativePath: 'Saved/page_files/style.css' },
        { file: new File(['note'], 'notes.txt'), relativePath: 'Saved/notes.txt' },
      ],
      fake.api,
    );
    // One outcome per article; the images and the style sheet get none.
    expect(outcomes.map((outcome) => outcome.source)).toEqual(['page.html', 'notes.txt']);
    const calls = fake.callsTo('import.upload') as Upload[];
    expect(calls).toHaveLength(2);
    expect(calls[0]?.files.map((file) => [file.name, file.relativePath])).toEqual([
      ['page.html', 'Saved/page.html'],
    ]);
    expect(calls[0]?.resources).toEqual([
      { relativePath: 'Saved/page_files/a.jpg', dataBase64: Buffer.from('A').toString('base64') },
    ]);
    expect(calls[1]?.files.map((file) => [file.name, file.relativePath])).toEqual([
      ['notes.txt', 'Saved/notes.txt'],
    ]);
    expect(calls[1]?.resources).toBeUndefined();
  });

  it('does not offer a page the images of another folder', async () => {
    const fake = savingFake();
    await importDroppedFiles(
      [
        { file: page('<img src="a.jpg">'), relativePath: 'one/page.html' },
        { file: new File(['A'], 'a.jpg'), relativePath: 'two/a.jpg' },
      ],
      fake.api,
    );
    const calls = fake.callsTo('import.upload') as Upload[];
    expect(calls[0]?.resources).toBeUndefined();
  });

  it('reads a picked folder’s places from webkitRelativePath', async () => {
    const fake = savingFake();
    const picked = page('<img src="page_files/a.jpg">');
    Object.defineProperty(picked, 'webkitRelativePath', { value: 'Saved/page.html' });
    const image = new File(['A'], 'a.jpg');
    Object.defineProperty(image, 'webkitRelativePath', { value: 'Saved/page_files/a.jpg' });
    await importDroppedFiles([picked, image], fake.api);
    const calls = fake.callsTo('import.upload') as Upload[];
    expect(calls[0]?.files[0]?.relativePath).toBe('Saved/page.html');
    expect(calls[0]?.resources?.map((resource) => resource.relativePath)).toEqual([
      'Saved/page_files/a.jpg',
    ]);
  });
});

describe('pickAndImportFiles', () => {
  it('reports the native dialog failing', async () => {
    const fake = createFakeApi({
      'dialog.openFiles': () => ({
        ok: false,
        error: { code: 'not-permitted', message: 'No dialog here.' },
      }),
    });
    expect(await pickAndImportFiles(null, fake.api, true)).toEqual({
      ok: false,
      error: { code: 'not-permitted', message: 'No dialog here.' },
    });
  });

  it('clicks the page input in a browser and reports nothing yet', async () => {
    const fake = createFakeApi({});
    let clicks = 0;
    const input = { click: () => (clicks += 1) } as unknown as HTMLInputElement;
    expect(await pickAndImportFiles(input, fake.api, false)).toEqual({ ok: true, value: null });
    expect(clicks).toBe(1);
    expect(fake.calls).toEqual([]);
  });
});
