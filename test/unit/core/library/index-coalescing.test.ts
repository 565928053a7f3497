/**
 * LibraryIndex under a steady stream of changes (an import): library.json is written about once
 * per `maxDelayMs`, never back to back, however long a write takes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LibraryIndex } from '../../../../src-main/core/library/library-index';
import type { ArticleSummary } from '../../../../src-main/shared/model';
import { articleSummary } from '../../../support/article-summary';

const writes: number[] = [];

// A slow disk: every index write takes 40 ms.
vi.mock('../../../../src-main/core/library/atomic-file', async (importOriginal) => {
  const original =
    await importOriginal<typeof import('../../../../src-main/core/library/atomic-file')>();
  return {
    ...original,
    writeFileAtomic: async (...args: Parameters<typeof original.writeFileAtomic>) => {
      writes.push(performance.now());
      await new Promise((resolve) => setTimeout(resolve, 40));
      return original.writeFileAtomic(...args);
    },
  };
});

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  writes.length = 0;
});

function summary(n: number): ArticleSummary {
  const at = new Date(Date.UTC(2025, 0, 1) + n * 1000).toISOString();
  return articleSummary({
    id: `a-${n}`,
    title: `Article ${n}`,
    savedAt: at,
    updatedAt: at,
    wordCount: 1,
  });
}

describe('LibraryIndex coalescing', () => {
  it('writes about once per maxDelayMs during a steady stream of changes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'offprint-index-'));
    dirs.push(dir);
    const index = new LibraryIndex(join(dir, 'library.json'), {
      syncDir: dir,
      timing: { debounceMs: 100, maxDelayMs: 300 },
      onBackgroundError: (error) => {
        throw error;
      },
    });
    const started = performance.now();
    for (let n = 0; performance.now() - started < 1200; n += 1) {
      index.put(summary(n));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await index.flush();
    index.dispose();
    // Back to back, a 40 ms write would run ~25 times in 1.2 s; coalesced, about 4 (+ the flush).
    expect(writes.length).toBeGreaterThanOrEqual(3);
    expect(writes.length).toBeLessThanOrEqual(6);
    for (let n = 1; n < writes.length - 1; n += 1) {
      expect((writes[n] ?? 0) - (writes[n - 1] ?? 0)).toBeGreaterThan(150);
    }
  });
});
