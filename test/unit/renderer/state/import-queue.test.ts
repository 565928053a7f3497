// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import type { ArgsOf } from '../../../../src-main/shared/contract';
import type { Result } from '../../../../src-main/shared/errors';
import type { ImportOutcome } from '../../../../src-main/shared/model';
import { ImportQueueState } from '../../../../src-renderer/src/state/import-queue.svelte';
import { NotificationsState } from '../../../../src-renderer/src/state/notifications.svelte';
import { createFakeApi, deferred, settle, summary, type FakeHandlers } from '../fake-api';

function setup(handlers: FakeHandlers, batchSize?: number) {
  const fake = createFakeApi(handlers);
  const notifications = new NotificationsState();
  const opened: string[] = [];
  const queue = new ImportQueueState(
    notifications,
    (id) => opened.push(id),
    fake.services(),
    batchSize === undefined ? {} : { batchSize },
  );
  const stop = queue.start();
  return { fake, notifications, queue, opened, stop };
}

const saved = (source: string, title = source): ImportOutcome => ({
  status: 'saved',
  source,
  article: summary({ title, url: source }),
});

/** import.url answers held back by the test, one per call, in order. */
function heldAnswers() {
  const answers: ReturnType<typeof deferred<Result<ImportOutcome[]>>>[] = [];
  const handler = () => {
    const answer = deferred<Result<ImportOutcome[]>>();
    answers.push(answer);
    return answer.promise;
  };
  return { answers, handler };
}

describe('ImportQueueState', () => {
  it('runs the addresses as one job and shows its progress from main’s reports', async () => {
    const held = heldAnswers();
    const { fake, queue } = setup({ 'import.url': held.handler });
    const urls = ['https://a.example/1', 'https://a.example/2', 'https://a.example/3'];

    const run = queue.save(urls);
    expect(queue.running).toBe(true);
    expect(queue.visible).toBe(true);
    expect(queue.total).toBe(3);
    expect(queue.done).toBe(0);
    const [sent] = fake.callsTo('import.url') as ArgsOf<'import.url'>[];
    expect(sent?.urls).toEqual(urls);
    expect(sent?.job).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    const job = sent!.job!;
    expect(queue.owns(job)).toBe(true);
    expect(queue.owns('index')).toBe(false);

    fake.emit('progress', { job: 'someone-else', label: 'Other', done: 5, total: 9 });
    fake.emit('progress', { job, label: 'Saved "One" (1 of 3)', done: 1, total: 3 });
    expect(queue.done).toBe(1);
    expect(queue.label).toBe('Saved "One" (1 of 3)');
    fake.emit('progress', { job, label: 'Saved "Two" (2 of 3)', done: 2, total: 3 });
    // A late report never sets progress back.
    fake.emit('progress', { job, label: 'Saved "One" (1 of 3)', done: 1, total: 3 });
    expect(queue.done).toBe(2);
    expect(queue.label).toBe('Saved "Two" (2 of 3)');

    held.answers[0]!.resolve({
      ok: true,
      value: [
        saved(urls[0]!, 'One'),
        { status: 'exists', source: urls[1]!, article: summary({ title: 'Two' }) },
        {
          status: 'failed',
          source: urls[2]!,
          error: { code: 'http-error', message: 'The server answered 404 Not Found.' },
        },
      ],
    });
    await run;
    expect(queue.running).toBe(false);
    expect(queue.results.map((result) => [result.source, result.status])).toEqual([
      [urls[0], 'saved'],
      [urls[1], 'exists'],
      [urls[2], 'failed'],
    ]);
    expect(queue.results[2]?.error?.message).toBe('The server answered 404 Not Found.');
    expect(queue.counts).toEqual({ saved: 1, exists: 1, failed: 1, cancelled: 0 });

    queue.dismiss();
    expect(queue.results).toEqual([]);
    expect(queue.visible).toBe(false);
  });

  it('queues addresses added while a job runs as the next job, once each', async () => {
    const held = heldAnswers();
    const { fake, queue } = setup({ 'import.url': held.handler });
    const run = queue.save(['https://a.example/1']);
    void queue.save(['https://a.example/1', 'https://b.example/2', 'https://b.example/2']);
    expect(queue.total).toBe(2);
    expect(fake.callsTo('import.url')).toHaveLength(1);

    held.answers[0]!.resolve({ ok: true, value: [saved('https://a.example/1')] });
    await settle();
    expect(queue.done).toBe(1);
    const calls = fake.callsTo('import.url') as ArgsOf<'import.url'>[];
    expect(calls.map((call) => call.urls)).toEqual([
      ['https://a.example/1'],
      ['https://b.example/2'],
    ]);
    // Each job has its own id, so that its progress and cancel are its own.
    expect(calls[0]?.job).not.toBe(calls[1]?.job);
    held.answers[1]!.resolve({ ok: true, value: [saved('https://b.example/2')] });
    await run;
    expect(queue.results.map((result) => result.source)).toEqual([
      'https://a.example/1',
      'https://b.example/2',
    ]);
  });

  it('splits a list longer than main takes in one call', async () => {
    const { fake, queue } = setup(
      { 'import.url': ({ urls }) => ({ ok: true, value: urls.map((url) => saved(url)) }) },
      2,
    );
    const urls = Array.from({ length: 5 }, (_, index) => `https://a.example/${index}`);
    await queue.save(urls);
    const calls = fake.callsTo('import.url') as ArgsOf<'import.url'>[];
    expect(calls.map((call) => call.urls.length)).toEqual([2, 2, 1]);
    expect(queue.results.map((result) => result.source)).toEqual(urls);
    expect(queue.counts.saved).toBe(5);
  });

  it('cancels the running job in main and lists what waited as cancelled', async () => {
    const held = heldAnswers();
    const { fake, queue } = setup({
      'import.url': held.handler,
      'import.cancel': () => ({ ok: true, value: true }),
    });
    const run = queue.save(['https://a.example/1', 'https://a.example/2']);
    void queue.save(['https://b.example/waiting']);
    const job = (fake.callsTo('import.url')[0] as ArgsOf<'import.url'>).job;

    await queue.cancel();
    expect(queue.cancelling).toBe(true);
    expect(fake.callsTo('import.cancel')).toEqual([{ job }]);
    // Main answers the cancelled job: what was saved stays saved, the rest is cancelled.
    held.answers[0]!.resolve({
      ok: true,
      value: [
        saved('https://a.example/1'),
        {
          status: 'failed',
          source: 'https://a.example/2',
          error: { code: 'cancelled', message: 'Cancelled.' },
        },
      ],
    });
    await run;
    expect(fake.callsTo('import.url')).toHaveLength(1);
    expect(queue.running).toBe(false);
    expect(queue.cancelling).toBe(false);
    expect(
      queue.results.map((result) => [result.source, result.status, result.error?.code]),
    ).toEqual([
      ['https://a.example/1', 'saved', undefined],
      ['https://a.example/2', 'failed', 'cancelled'],
      ['https://b.example/waiting', 'failed', 'cancelled'],
    ]);
    expect(queue.counts).toEqual({ saved: 1, exists: 0, failed: 0, cancelled: 2 });
  });

  it('sends the cancel again when main had not yet heard of the job', async () => {
    const held = heldAnswers();
    let known = false;
    const { fake, queue } = setup({
      'import.url': held.handler,
      'import.cancel': () => ({ ok: true, value: known }),
    });
    const run = queue.save(['https://a.example/1', 'https://a.example/2']);
    const job = (fake.callsTo('import.url')[0] as ArgsOf<'import.url'>).job!;
    await queue.cancel();
    expect(fake.callsTo('import.cancel')).toHaveLength(1);

    // The job reaches main after the cancel did: its first report brings the cancel again.
    known = true;
    fake.emit('progress', { job, label: 'Saving 2 items…', done: 0, total: 2 });
    await settle();
    expect(fake.callsTo('import.cancel')).toEqual([{ job }, { job }]);
    fake.emit('progress', { job, label: 'Failed', done: 1, total: 2 });
    expect(fake.callsTo('import.cancel')).toHaveLength(2);
    held.answers[0]!.resolve({ ok: true, value: [] });
    await run;
  });

  it('gives every address the error of a refused call', async () => {
    const { queue } = setup({
      'import.url': () => ({
        ok: false,
        error: { code: 'io-error', message: "Offprint's background process is not reachable." },
      }),
    });
    await queue.save(['https://a.example/1', 'https://a.example/2']);
    expect(queue.results.map((result) => result.error?.message)).toEqual([
      "Offprint's background process is not reachable.",
      "Offprint's background process is not reachable.",
    ]);
  });

  it('refreshes an article that was already there, right from its result', async () => {
    const article = summary({ title: 'Known', url: 'https://a.example/known' });
    let refuse = false;
    const { fake, queue } = setup({
      'import.url': ({ urls }) => ({
        ok: true,
        value: urls.map((source) => ({ status: 'exists' as const, source, article })),
      }),
      'article.refresh': ({ id }) =>
        refuse
          ? { ok: false, error: { code: 'network-error', message: 'The site is down.' } }
          : { ok: true, value: { ...article, id, title: 'Known, updated' } },
    });
    await queue.save(['https://a.example/known']);
    const [result] = queue.results;
    expect(result?.refresh).toBe('none');

    refuse = true;
    await queue.refresh(result!.key);
    expect(queue.results[0]?.refresh).toBe('failed');
    expect(queue.results[0]?.refreshError).toBe('The site is down.');

    refuse = false;
    const refreshing = queue.refresh(result!.key);
    expect(queue.results[0]?.refresh).toBe('running');
    await refreshing;
    expect(queue.results[0]?.refresh).toBe('done');
    expect(queue.results[0]?.refreshError).toBeNull();
    expect(queue.results[0]?.article?.title).toBe('Known, updated');
    expect(fake.callsTo('article.refresh')).toEqual([{ id: article.id }, { id: article.id }]);
  });

  it('opens the article a result is about', async () => {
    const { queue, opened } = setup({
      'import.url': ({ urls }) => ({ ok: true, value: urls.map((url) => saved(url)) }),
    });
    await queue.save(['https://a.example/1']);
    queue.open(queue.results[0]!.key);
    expect(opened).toEqual([queue.results[0]!.article!.id]);
  });

  it('starts a new run with an empty list, the last run’s results having been seen', async () => {
    const { queue } = setup({
      'import.url': ({ urls }) => ({ ok: true, value: urls.map((url) => saved(url)) }),
    });
    await queue.save(['https://a.example/1']);
    await queue.save(['https://a.example/2']);
    expect(queue.results.map((result) => result.source)).toEqual(['https://a.example/2']);
    expect(queue.done).toBe(1);
  });

  it('saves the addresses in a paste, and says when there are none', async () => {
    const { fake, queue, notifications } = setup({
      'import.url': ({ urls }) => ({ ok: true, value: urls.map((url) => saved(url)) }),
    });
    expect(queue.saveFromText('Have a look: https://a.example/x and https://b.example/y.')).toBe(
      true,
    );
    await settle();
    expect((fake.callsTo('import.url')[0] as ArgsOf<'import.url'>).urls).toEqual([
      'https://a.example/x',
      'https://b.example/y',
    ]);

    expect(queue.saveFromText('example.com is not spelled out')).toBe(false);
    expect(notifications.toasts.at(-1)?.message).toMatch(/no web address/);
    expect(fake.callsTo('import.url')).toHaveLength(1);
  });

  it('saves a dropped link, and says when a drop carried none', async () => {
    const { fake, queue, notifications } = setup({
      'import.url': ({ urls }) => ({ ok: true, value: urls.map((url) => saved(url)) }),
    });
    queue.saveDropped('https://a.example/dragged\r\n', 'https://a.example/dragged');
    await settle();
    expect((fake.callsTo('import.url')[0] as ArgsOf<'import.url'>).urls).toEqual([
      'https://a.example/dragged',
    ]);
    queue.saveDropped('', 'some selected words');
    expect(notifications.toasts.at(-1)).toMatchObject({ kind: 'error' });
    expect(fake.callsTo('import.url')).toHaveLength(1);
  });

  it('saves the pages of a bookmarks file through main, learning their number from its reports', async () => {
    const answer = deferred<Result<ImportOutcome[]>>();
    const { fake, queue } = setup({ 'import.links': () => answer.promise });
    const run = queue.saveLinks('<!DOCTYPE NETSCAPE-Bookmark-file-1>…', 'bookmarks.html');
    expect(queue.label).toBe('Reading bookmarks.html…');
    const [sent] = fake.callsTo('import.links') as ArgsOf<'import.links'>[];
    expect(sent?.text).toContain('NETSCAPE');
    fake.emit('progress', { job: sent!.job!, label: 'Saving 2 items…', done: 0, total: 2 });
    expect(queue.total).toBe(2);
    answer.resolve({
      ok: true,
      value: [saved('https://a.example/1'), saved('https://a.example/2')],
    });
    await run;
    expect(queue.counts.saved).toBe(2);
  });

  it('names the file when main finds nothing to save in it', async () => {
    const { queue } = setup({
      'import.links': () => ({
        ok: false,
        error: {
          code: 'invalid-argument',
          message: 'The bookmarks file holds no web addresses (http:// or https://) to save.',
        },
      }),
    });
    await queue.saveLinks('<!DOCTYPE NETSCAPE-Bookmark-file-1>', 'empty.html');
    expect(queue.results.map((result) => [result.source, result.status])).toEqual([
      ['empty.html', 'failed'],
    ]);
  });

  it('lists outcomes of pages saved another way', () => {
    const { queue } = setup({});
    queue.adopt([saved('https://a.example/from-bookmarks')]);
    expect(queue.visible).toBe(true);
    expect(queue.results[0]?.status).toBe('saved');
  });

  it('stops following progress when stopped', () => {
    const { fake, stop } = setup({});
    expect(fake.listenerCount('progress')).toBe(1);
    stop();
    expect(fake.listenerCount('progress')).toBe(0);
  });
});
