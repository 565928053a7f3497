import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { addWelcomeArticle } from '../../../src-main/core/welcome';
import { RecordingLibrary } from './ingest/fake-library';

const resourcesDir = fileURLToPath(new URL('../../../resources/', import.meta.url));

describe('addWelcomeArticle', () => {
  it('adds the welcome article, read by the text importer', async () => {
    const library = new RecordingLibrary();
    await addWelcomeArticle(library, resourcesDir);

    expect(library.added).toHaveLength(1);
    const article = library.added[0]!;
    expect(article.title).toBe('Welcome to Offprint');
    expect(article.sourceKind).toBe('welcome');
    expect(article.siteName).toBe('Offprint');
    expect(article.section).toBe('OFFPRINT');
    expect(article.publishedTime).toBe('2026-11-27');
    expect(article.fileName).toBeNull();
    expect(article.contentHtml).toMatch(/^<p class="standfirst">/);
    expect(article.wordCount).toBeGreaterThanOrEqual(200);
    expect(article.wordCount).toBeLessThanOrEqual(330);
  });

  it('covers importing, bookmarks, offline reading and every keyboard shortcut', async () => {
    const library = new RecordingLibrary();
    await addWelcomeArticle(library, resourcesDir);
    const html = library.added[0]!.contentHtml;

    const headings = [...html.matchAll(/<h2>(.*?)<\/h2>/g)].map((match) => match[1]);
    expect(headings).toEqual([
      'Bring in an article',
      'Keep what matters',
      'Read anywhere',
      'Keyboard shortcuts',
    ]);
    const shortcuts = [...html.matchAll(/<li>(\S+) /g)].map((match) => match[1]);
    expect(shortcuts).toEqual(['j', 'k', 'Enter', 'b', 'Escape', '/', '?']);
    expect(html).toContain('Reading never touches the network');
  });

  it('adds it only once', async () => {
    const library = new RecordingLibrary();
    await addWelcomeArticle(library, resourcesDir);
    await addWelcomeArticle(library, resourcesDir);
    expect(library.added).toHaveLength(1);
  });

  it('fails with not-found, adding nothing, when the resource is missing', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'offprint-resources-'));
    try {
      const library = new RecordingLibrary();
      await expect(addWelcomeArticle(library, empty)).rejects.toMatchObject({
        code: 'not-found',
      });
      expect(library.added).toEqual([]);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
