// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { ProgressState, progressLabel } from '../../../../src-renderer/src/state/progress.svelte';
import { createFakeApi } from '../fake-api';

describe('ProgressState', () => {
  it('keeps the latest report of each running job and drops a job once done', () => {
    const fake = createFakeApi({});
    const progress = new ProgressState(fake.services());
    const stop = progress.start();

    fake.emit('progress', { job: 'index', label: 'Building search index', done: 0, total: 20_000 });
    fake.emit('progress', { job: 'import-1', label: 'Saving pages', done: 1, total: 3 });
    fake.emit('progress', {
      job: 'index',
      label: 'Building search index',
      done: 4_000,
      total: 20_000,
    });
    expect(progress.jobs.map(progressLabel)).toEqual([
      `Building search index ${(4000).toLocaleString()} / ${(20000).toLocaleString()}`,
      'Saving pages 1 / 3',
    ]);

    fake.emit('progress', {
      job: 'index',
      label: 'Building search index',
      done: 20_000,
      total: 20_000,
    });
    expect(progress.jobs.map((job) => job.job)).toEqual(['import-1']);

    stop();
    expect(fake.listenerCount('progress')).toBe(0);
  });

  it('never shows a job that reports itself finished', () => {
    const progress = new ProgressState(createFakeApi({}).services());
    progress.report({ job: 'empty', label: 'Nothing to do', done: 0, total: 0 });
    expect(progress.jobs).toEqual([]);
  });
});
