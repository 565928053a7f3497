/**
 * OpenLibraryOptions.checkInBackground: after a clean close the library lists from its index at
 * once and checks the article folders just after opening, announcing what it finds.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Sandbox, sampleArticle } from './helpers';

const sandbox = new Sandbox();
afterEach(() => sandbox.cleanup());

/** Rewrites an article's article.json behind the store's back, as a sync tool or a user might. */
async function retitleOnDisk(root: string, id: string, title: string): Promise<void> {
  const file = join(root, 'articles', id, 'article.json');
  const record = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  await writeFile(file, JSON.stringify({ ...record, title }, null, 2));
}

/** A library with two articles, closed cleanly; returns the ids, newest first. */
async function closedLibrary(): Promise<{ root: string; ids: string[] }> {
  const root = await sandbox.dir();
  const { library } = await sandbox.open(root);
  await library.add(sampleArticle({ title: 'First' }));
  await library.add(sampleArticle({ title: 'Second' }));
  const ids = library.list().map((summary) => summary.id);
  await library.close();
  return { root, ids };
}

describe('checkInBackground', () => {
  it('lists from the index at once, then re-reads and announces what changed while closed', async () => {
    const { root, ids } = await closedLibrary();
    const changedId = ids[1] as string;
    await retitleOnDisk(root, changedId, 'Retitled elsewhere');

    const { library, report } = await sandbox.open(root, { checkInBackground: true });
    expect(report.reread).toEqual([]);
    expect(report.deferred?.ids.sort()).toEqual([...ids].sort());
    expect(library.list().map((summary) => summary.title)).toEqual(['Second', 'First']);

    const announced = await new Promise<string[]>((resolve) => library.onChange(resolve));
    expect(announced).toEqual([changedId]);
    expect(library.summary(changedId)?.title).toBe('Retitled elsewhere');
    expect(library.summary(ids[0] as string)?.title).toBe('Second');
  });

  it('checks before opening without the option, and after a crash even with it', async () => {
    const { root, ids } = await closedLibrary();
    await retitleOnDisk(root, ids[1] as string, 'Retitled elsewhere');
    const first = await sandbox.open(root);
    expect(first.report.deferred).toBeNull();
    expect(first.report.reread).toContain(ids[1]);
    expect(first.library.summary(ids[1] as string)?.title).toBe('Retitled elsewhere');

    first.library.abandon();
    await retitleOnDisk(root, ids[0] as string, 'After the crash');
    const second = await sandbox.open(root, { checkInBackground: true });
    expect(second.report.recoveredStaleLock).toBe(true);
    expect(second.report.deferred).toBeNull();
    expect(second.library.summary(ids[0] as string)?.title).toBe('After the crash');
  });

  it('drops a folder that vanished while closed before opening, and closes mid-check cleanly', async () => {
    const { root, ids } = await closedLibrary();
    await retitleOnDisk(root, ids[0] as string, 'Changed');
    await rm(join(root, 'articles', ids[1] as string), { recursive: true });
    const { library, report } = await sandbox.open(root, { checkInBackground: true });
    expect(report.dropped).toEqual([ids[1]]);
    expect(library.list().map((summary) => summary.id)).toEqual([ids[0]]);
    await library.close();
    await expect(library.close()).resolves.toBeUndefined();
  });
});
