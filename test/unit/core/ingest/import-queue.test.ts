/**
 * Import jobs: items run a few at a time, outcomes come back in the order given, progress is
 * reported after every item, and cancel stops the rest (each reported as cancelled).
 */
import { describe, expect, it } from 'vitest';
import {
  ImportJobs,
  type JobProgress,
  summary,
} from '../../../../src-main/core/ingest/import-queue';
import type { ArticleSummary, ImportOutcome } from '../../../../src-main/shared/model';

function saved(source: string): ImportOutcome {
  return { status: 'saved', source, article: { title: source } as ArticleSummary };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('ImportJobs', () => {
  it('runs at most `concurrency` items at once and keeps the given order', async () => {
    const jobs = new ImportJobs(2);
    let running = 0;
    let most = 0;
    const items = ['a', 'b', 'c', 'd', 'e'];
    const outcomes = await jobs.run(
      items,
      async (item) => {
        running += 1;
        most = Math.max(most, running);
        // Later items finish first: order must still follow the input.
        await sleep(10 * (items.length - items.indexOf(item)));
        running -= 1;
        return saved(item);
      },
      { sourceOf: (item) => item },
    );
    expect(most).toBe(2);
    expect(outcomes.map((outcome) => outcome.source)).toEqual(items);
  });

  it('reports progress from 0 to total, with the job id, ending with a summary', async () => {
    const events: JobProgress[] = [];
    const jobs = new ImportJobs(1);
    await jobs.run(
      ['ok', 'bad', 'there'],
      async (item) =>
        item === 'bad'
          ? { status: 'failed', source: item, error: { code: 'http-error', message: '404' } }
          : item === 'there'
            ? { status: 'exists', source: item, article: { title: 'There' } as ArticleSummary }
            : saved(item),
      { job: 'job-1', sourceOf: (item) => item, onProgress: (event) => events.push(event) },
    );
    expect(events.map((event) => [event.job, event.done, event.total])).toEqual([
      ['job-1', 0, 3],
      ['job-1', 1, 3],
      ['job-1', 2, 3],
      ['job-1', 3, 3],
    ]);
    expect(events[1]?.label).toBe('Saved "ok" (1 of 3)');
    expect(events[2]?.label).toBe('Failed: bad (2 of 3)');
    expect(events[3]?.label).toBe('1 saved, 1 already there, 1 failed');
  });

  it('turns a throwing item into a failed outcome', async () => {
    const outcomes = await new ImportJobs().run(
      ['x'],
      async () => {
        throw new Error('boom');
      },
      { sourceOf: (item) => item },
    );
    expect(outcomes[0]).toMatchObject({
      status: 'failed',
      source: 'x',
      error: { code: 'internal' },
    });
  });

  it('cancel stops the running items (through their signal) and skips the rest', async () => {
    const jobs = new ImportJobs(2);
    const started: string[] = [];
    const pending = jobs.run(
      ['a', 'b', 'c', 'd'],
      (item, signal) => {
        started.push(item);
        return new Promise<ImportOutcome>((resolve) => {
          signal.addEventListener('abort', () =>
            resolve({
              status: 'failed',
              source: item,
              error: { code: 'cancelled', message: 'Cancelled.' },
            }),
          );
        });
      },
      { job: 'stop-me', sourceOf: (item) => item },
    );
    await sleep(20);
    expect(jobs.running).toEqual(['stop-me']);
    expect(jobs.cancel('stop-me')).toBe(true);
    const outcomes = await pending;
    expect(started).toEqual(['a', 'b']);
    expect(outcomes.map((outcome) => outcome.status === 'failed' && outcome.error.code)).toEqual([
      'cancelled',
      'cancelled',
      'cancelled',
      'cancelled',
    ]);
    expect(summary(outcomes)).toBe('0 saved, 4 cancelled');
    expect(jobs.cancel('stop-me')).toBe(false);
    expect(jobs.running).toEqual([]);
  });

  it('refuses a second job with the id of a running one', async () => {
    const jobs = new ImportJobs();
    const first = jobs.run(['a'], async () => (await sleep(30), saved('a')), {
      job: 'same',
      sourceOf: (item) => item,
    });
    await expect(
      jobs.run(['b'], async () => saved('b'), { job: 'same', sourceOf: (item) => item }),
    ).rejects.toMatchObject({ code: 'invalid-argument' });
    await first;
  });
});
