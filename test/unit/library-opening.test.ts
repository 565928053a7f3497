/**
 * LibraryOpening, the mechanism both hosts serve a library through while it opens, on a real store
 * in a temporary folder: calls wait for the library (bad input is refused at once), events follow
 * once it is open, and closing during the open lets it finish and then releases the library.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openLibrary } from '../../src-main/core/library/store';
import { PathGrants } from '../../src-main/core/path-grants';
import { type HostServices, dispatch } from '../../src-main/handlers';
import { LIBRARY_OPEN_JOB, LibraryOpening } from '../../src-main/library-opening';
import type { EventMap, EventName } from '../../src-main/shared/contract';

const dirs: string[] = [];
const openings: LibraryOpening[] = [];

afterEach(async () => {
  for (const opening of openings.splice(0)) await opening.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempLibrary(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'offprint-opening-'));
  dirs.push(dir);
  return join(dir, 'library');
}

/** An opening of the real store in `root` that starts only when `start` is called. */
function gatedOpening(root: string): { opening: LibraryOpening; start: () => void } {
  let start = (): void => undefined;
  const started = new Promise<void>((resolve) => (start = resolve));
  const opening = new LibraryOpening({
    open: async (hooks) => {
      await started;
      return (await openLibrary(root, hooks)).library;
    },
    startSearch: () => undefined,
  });
  openings.push(opening);
  return { opening, start };
}

function services(): HostServices {
  return { kind: 'browser', pickFiles: null, grants: new PathGrants() };
}

type Sent = { [E in EventName]: { event: E; payload: EventMap[E] } }[EventName];

describe('LibraryOpening', () => {
  it('holds calls until the library is open, but refuses bad input at once', async () => {
    const root = await tempLibrary();
    const { opening, start } = gatedOpening(root);
    const handlers = opening.handlers(services());

    expect(await dispatch(handlers, 'article.get', { id: 42 })).toMatchObject({
      ok: false,
      error: { code: 'invalid-argument' },
    });
    let settled = false;
    const info = dispatch(handlers, 'library.info', {}).finally(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);

    start();
    await opening.claimed;
    expect(await info).toMatchObject({ ok: true, value: { root, articleCount: 0 } });
    expect(opening.library).not.toBeNull();
  });

  it('sends the final progress report, then the library events, until unsubscribed', async () => {
    const root = await tempLibrary();
    const { opening, start } = gatedOpening(root);
    const sent: Sent[] = [];
    const stop = opening.forwardEvents((event, payload) => sent.push({ event, payload } as Sent));

    start();
    const library = await opening.ready;
    expect(sent).toEqual([
      {
        event: 'progress',
        payload: { job: LIBRARY_OPEN_JOB, label: 'Opening the library', done: 0, total: 0 },
      },
    ]);
    const result = await dispatch(opening.handlers(services()), 'import.upload', {
      files: [
        { name: 'note.txt', dataBase64: Buffer.from('A note\n\nSome text.').toString('base64') },
      ],
    });
    expect(result.ok).toBe(true);
    const [added] = library.list();
    expect(sent.at(-1)).toEqual({ event: 'library.changed', payload: { ids: [added?.id] } });

    stop();
    const before = sent.length;
    await library.setState(added!.id, { bookmarked: true });
    expect(sent).toHaveLength(before);
  });

  it('closed while opening, lets the open finish and releases the library', async () => {
    const root = await tempLibrary();
    const { opening, start } = gatedOpening(root);
    const closed = opening.close();
    start();
    await closed;
    // The lock is gone: another open succeeds.
    const again = await openLibrary(root);
    await again.library.close();
  });
});
