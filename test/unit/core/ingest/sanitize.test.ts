import { describe, expect, it } from 'vitest';
import { sanitizeHtml } from '../../../../src-main/core/ingest/sanitize';

/** Patterns that must never survive sanitizing, whatever the input. */
const FORBIDDEN = [
  /<script/i,
  /<style/i,
  /<iframe/i,
  /<svg/i,
  /<object/i,
  /<embed/i,
  /<form/i,
  /<input/i,
  /\son[a-z]+\s*=/i,
  /javascript:/i,
  /data:/i,
  /\sstyle\s*=/i,
];

function expectClean(output: string): void {
  for (const pattern of FORBIDDEN) expect(output).not.toMatch(pattern);
}

describe('sanitizeHtml', () => {
  it('keeps article markup as it is', () => {
    const html =
      '<h2>Heading</h2><p class="standfirst">Lede with <em>emphasis</em> and <strong>weight</strong>.</p>' +
      '<figure><img src="https://example.com/a.jpg" alt="A photo" width="640" height="480">' +
      '<figcaption>Caption <span class="credit">Photo: AA</span></figcaption></figure>' +
      '<blockquote><p>Quoted</p></blockquote><ul><li>one</li></ul><ol start="3"><li>three</li></ol>' +
      '<pre><code>x = 1</code></pre><p>H<sub>2</sub>O, E=mc<sup>2</sup>, <time datetime="2025-06-11">June 11</time></p>' +
      '<table><caption>T</caption><thead><tr><th scope="col">a</th></tr></thead>' +
      '<tbody><tr><td colspan="2">b</td></tr></tbody></table><hr>';
    expect(sanitizeHtml(html)).toBe(html);
  });

  it('removes scripts and styles with their content', () => {
    const output = sanitizeHtml(
      '<p>before</p><script>alert(document.cookie)</script><style>body{display:none}</style><p>after</p>',
    );
    expect(output).toBe('<p>before</p><p>after</p>');
  });

  it('removes event handlers: img onerror, body onload, svg onload', () => {
    const output = sanitizeHtml(
      '<img src="https://example.com/x.png" onerror="alert(1)" alt="x">' +
        '<p onclick="alert(2)" onmouseover="alert(3)">text</p>' +
        '<svg onload="alert(4)"><circle r="1"/></svg><details open ontoggle="alert(5)">d</details>',
    );
    expectClean(output);
    // <details> is article markup and stays; its handler does not ('open' is not kept either).
    expect(output).toBe(
      '<img src="https://example.com/x.png" alt="x"><p>text</p><details>d</details>',
    );
  });

  it('refuses javascript: links however they are disguised', () => {
    const output = sanitizeHtml(
      '<a href="javascript:alert(1)">a</a><a href="JaVaScRiPt:alert(1)">b</a>' +
        '<a href="  java\tscript:alert(1)">c</a><a href="jav&#x09;ascript:alert(1)">d</a>' +
        '<a href="vbscript:msgbox(1)">e</a>',
    );
    expectClean(output);
    expect(output).toBe('<a>a</a><a>b</a><a>c</a><a>d</a><a>e</a>');
  });

  it('drops data: URLs on images, sources and links, and the images left without a source', () => {
    const output = sanitizeHtml(
      '<p><img src="data:image/png;base64,iVBORw0KGgo=" alt="pixel">kept</p>' +
        '<a href="data:text/html,<script>alert(1)</script>">link</a>' +
        '<picture><source srcset="data:image/webp;base64,AAAA 1x, https://example.com/b.jpg 2x">' +
        '<source srcset="data:image/webp;base64,AAAA"><img src="https://example.com/c.jpg" alt=""></picture>',
    );
    expectClean(output);
    expect(output).toBe(
      '<p>kept</p><a>link</a><picture><source srcset="https://example.com/b.jpg 2x">' +
        '<img src="https://example.com/c.jpg" alt=""></picture>',
    );
  });

  it('keeps no reference to a local file: file: URLs, absolute and relative paths, UNC shares', () => {
    const output = sanitizeHtml(
      [
        '<p><img src="file:///etc/passwd" alt="a"><img src="/home/me/photo.jpg" alt="b">',
        '<img src="page_files/c.jpg" alt="c"><img src="C:\\Users\\me\\d.jpg" alt="d">',
        '<img src="\\\\server\\share\\e.jpg" alt="e"><img src="FILE://localhost/f.jpg" alt="f">',
        '<img src="https://example.com/ok.jpg" srcset="file:///g.jpg 2x, page_files/h.jpg 3x" alt="ok">',
        '<a href="file:///etc/hosts">hosts</a> <a href="../notes.txt">notes</a>',
        '<q cite="file:///x">quote</q></p>',
      ].join(''),
    );
    expect(output).toBe(
      '<p><img src="https://example.com/ok.jpg" alt="ok"><a>hosts</a> <a>notes</a><q>quote</q></p>',
    );
  });

  it('removes iframes, objects, embeds and form controls', () => {
    const output = sanitizeHtml(
      '<iframe src="https://evil.example/"></iframe><object data="x.swf">fallback</object>' +
        '<embed src="x.swf"><form action="https://evil.example/"><input name="q">' +
        '<button>Send</button><p>article text inside a form</p></form>',
    );
    expectClean(output);
    expect(output).toBe('<p>article text inside a form</p>');
  });

  it('removes style attributes, ids, data attributes and classes other than Offprint ones', () => {
    const output = sanitizeHtml(
      '<p style="position:fixed" id="cookie" data-track="1" class="modal standfirst">x</p>' +
        '<div class="ad-slot">y</div>',
    );
    expect(output).toBe('<p class="standfirst">x</p><div>y</div>');
  });

  it('keeps http(s) and mailto links, marks external ones noopener noreferrer, drops targets', () => {
    const output = sanitizeHtml(
      '<a href="https://example.com/story" target="_blank" rel="opener">web</a>' +
        '<a href="mailto:desk@example.com">mail</a><a href="relative/page.html">rel</a>',
    );
    expect(output).toBe(
      '<a href="https://example.com/story" rel="noopener noreferrer">web</a>' +
        '<a href="mailto:desk@example.com">mail</a><a>rel</a>',
    );
  });

  it('unwraps unknown elements but keeps their text', () => {
    expect(sanitizeHtml('<font color="red">old</font> <marquee>news</marquee>')).toBe('old news');
  });

  it('neutralizes mutation-XSS style markup', () => {
    const output = sanitizeHtml(
      '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>' +
        '<math><mtext><table><mglyph><style><img src=x onerror=alert(2)>',
    );
    expectClean(output);
  });

  it('is idempotent', () => {
    const once = sanitizeHtml(
      '<p>a &amp; b &lt;c&gt;</p><a href="https://example.com">x</a><img src="https://example.com/i.png">',
    );
    expect(sanitizeHtml(once)).toBe(once);
  });
});

describe('sanitizeHtml keeps article markup web pages need', () => {
  it('keeps ruby annotations and promotes a srcset-only image', () => {
    const output = sanitizeHtml(
      '<ruby>漢<rp>(</rp><rt>かん</rt><rp>)</rp></ruby>' +
        '<img srcset="https://example.com/a.jpg 1x, https://example.com/b.jpg 2x" alt="a">',
    );
    expect(output).toContain('<ruby>漢<rp>(</rp><rt>かん</rt><rp>)</rp></ruby>');
    expect(output).toContain('src="https://example.com/a.jpg"');
  });
});
