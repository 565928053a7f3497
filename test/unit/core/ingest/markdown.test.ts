/**
 * The Markdown importer: rendering with marked, the title from front matter or the first heading,
 * sanitizing of raw HTML inside the Markdown, and registration as a file type.
 */
import { describe, expect, it } from 'vitest';
import { importBytes } from '../../../../src-main/core/ingest/import-file';
import { parseMarkdownArticle } from '../../../../src-main/core/ingest/markdown';
import { RecordingLibrary } from './fake-library';

const BODY = [
  'The council voted on Monday to extend the night bus service to the northern suburbs.',
  '',
  'Three new routes will run every **thirty minutes** between midnight and five, with [a map](https://example.com/map).',
  '',
  '## What it costs',
  '',
  '- about two million a year',
  '- paid partly from parking revenue',
].join('\n');

describe('parseMarkdownArticle', () => {
  it('renders Markdown and takes the title from the first heading, which leaves the body', () => {
    const article = parseMarkdownArticle(
      `# Night buses reach the suburbs\n\n${BODY}\n`,
      'buses.md',
    );
    expect(article.title).toBe('Night buses reach the suburbs');
    expect(article.sourceKind).toBe('markdown');
    expect(article.fileName).toBe('buses.md');
    // The h1 became the title; the remaining h2 stays an h2 (no h1 left to make room for).
    expect(article.contentHtml).not.toContain('Night buses reach');
    expect(article.contentHtml).toContain('<strong>thirty minutes</strong>');
    expect(article.contentHtml).toContain('<h2>What it costs</h2>');
    expect(article.contentHtml).toMatch(/<li>about two million a year<\/li>/);
    expect(article.contentHtml).toContain(
      '<a href="https://example.com/map" rel="noopener noreferrer">a map</a>',
    );
    expect(article.textContent.split('\n\n')[0]).toBe(
      'The council voted on Monday to extend the night bus service to the northern suburbs.',
    );
    expect(article.excerpt).toBe(
      'The council voted on Monday to extend the night bus service to the northern suburbs.',
    );
    expect(article.wordCount).toBeGreaterThan(30);
    expect(article.lang).toBe('en');
  });

  it('lowers the other headings one level when the body still has an h1', () => {
    const article = parseMarkdownArticle(
      '# Title\n\nIntro.\n\n# Part one\n\nText.\n\n## Detail\n',
      'x.md',
    );
    expect(article.title).toBe('Title');
    expect(article.contentHtml).toContain('<h2>Part one</h2>');
    expect(article.contentHtml).toContain('<h3>Detail</h3>');
  });

  it('uses a heading further down as the title but keeps it in the body', () => {
    const article = parseMarkdownArticle(
      'Some opening words.\n\n## Later heading\n\nMore.',
      'x.md',
    );
    expect(article.title).toBe('Later heading');
    expect(article.contentHtml).toContain('<h2>Later heading</h2>');
  });

  it('falls back to the file name when there is no heading', () => {
    const article = parseMarkdownArticle('Just a paragraph of notes.', 'my-reading_notes.md');
    expect(article.title).toBe('my reading notes');
  });

  it('reads YAML front matter instead of rendering it', () => {
    const text = [
      '---',
      'title: "Buses at night"',
      'author: Jane Doe',
      'date: 2025-06-11',
      'lang: en-GB',
      'url: https://news.example.com/buses',
      'tags: [transport, city]',
      '---',
      '# A heading that is not the title',
      '',
      'Body text here.',
    ].join('\n');
    const article = parseMarkdownArticle(text, 'x.md');
    expect(article.title).toBe('Buses at night');
    expect(article.byline).toBe('Jane Doe');
    expect(article.publishedTime).toBe('2025-06-11');
    expect(article.lang).toBe('en-GB');
    expect(article.url).toBe('https://news.example.com/buses');
    expect(article.textContent).not.toContain('tags');
    // With the title from front matter, the heading is body content (lowered to h2).
    expect(article.contentHtml).toContain('<h2>A heading that is not the title</h2>');
  });

  it('sanitizes raw HTML that Markdown lets through', () => {
    const text = [
      '# Hostile',
      '',
      '<script>alert(1)</script>',
      '',
      '<img src="x" onerror="alert(2)">',
      '',
      '[click](javascript:alert(3)) and <a href="javascript:alert(4)">this</a>',
      '',
      '<iframe src="https://evil.example"></iframe><svg onload="alert(5)"></svg>',
      '',
      '![pixel](data:image/gif;base64,R0lGODlhAQABAAAAACw=)',
      '',
      '<p style="background:url(javascript:alert(6))">styled</p>',
    ].join('\n');
    const html = parseMarkdownArticle(text, 'x.md').contentHtml;
    expect(html).not.toMatch(/<script|<iframe|<svg|onerror|onload|javascript:|data:|style=/i);
    expect(html).toContain('styled');
  });

  it('keeps remote images as absolute http(s) sources for the image step to fetch', () => {
    const html = parseMarkdownArticle(
      '# Pics\n\n![A bus](https://img.example.com/bus.jpg "Night bus")\n\n![rel](images/local.png)',
      'x.md',
    ).contentHtml;
    expect(html).toContain(
      '<img src="https://img.example.com/bus.jpg" alt="A bus" title="Night bus">',
    );
    // A relative image has no address to fetch it from: the sanitizer drops it.
    expect(html).not.toContain('local.png');
  });
});

describe('.md files through the file importer', () => {
  it('imports .md and .markdown files', async () => {
    const library = new RecordingLibrary();
    for (const name of ['notes.md', 'NOTES.MARKDOWN']) {
      const outcome = await importBytes(library, name, new TextEncoder().encode(`# Hi\n\n${BODY}`));
      expect(outcome.status).toBe('saved');
    }
    expect(library.added.map((article) => [article.title, article.sourceKind])).toEqual([
      ['Hi', 'markdown'],
      ['Hi', 'markdown'],
    ]);
  });
});
