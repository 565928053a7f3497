import { describe, expect, it } from 'vitest';
import { KeyedQueue } from '../../../../src-main/core/library/keyed-queue';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('KeyedQueue', () => {
  it('runs tasks of one key one at a time, in order', async () => {
    const queue = new KeyedQueue();
    const events: string[] = [];
    const task = (name: string, ms: number) => async () => {
      events.push(`start ${name}`);
      await pause(ms);
      events.push(`end ${name}`);
      return name;
    };
    const results = await Promise.all([
      queue.run('a', task('1', 20)),
      queue.run('a', task('2', 1)),
      queue.run('a', task('3', 5)),
    ]);
    expect(results).toEqual(['1', '2', '3']);
    expect(events).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
    expect(queue.size).toBe(0);
  });

  it('runs different keys side by side', async () => {
    const queue = new KeyedQueue();
    const events: string[] = [];
    const slow = queue.run('a', async () => {
      events.push('a start');
      await pause(30);
      events.push('a end');
    });
    const fast = queue.run('b', async () => {
      events.push('b');
    });
    await Promise.all([slow, fast]);
    expect(events).toEqual(['a start', 'b', 'a end']);
  });

  it('keeps going after a failed task and reports the failure to its caller only', async () => {
    const queue = new KeyedQueue();
    const failed = queue.run('a', async () => {
      throw new Error('boom');
    });
    const next = queue.run('a', async () => 'fine');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('fine');
  });

  it('idle() waits for everything queued, including work queued while waiting', async () => {
    const queue = new KeyedQueue();
    let done = 0;
    void queue.run('a', async () => {
      await pause(10);
      done += 1;
      void queue.run('b', async () => {
        await pause(10);
        done += 1;
      });
    });
    await queue.idle();
    expect(done).toBe(2);
  });
});
