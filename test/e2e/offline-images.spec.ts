import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ReaderPage } from './pages/reader-page';
import { expect, test } from './support/host';
import { png } from './support/site';

const PARAGRAPHS = [
  'The city council voted on Monday to extend the night bus service to the northern suburbs, a change that residents, shift workers and students have requested for almost a decade.',
  'Under the plan, three new routes will run every thirty minutes between midnight and five in the morning, and the existing routes will gain stops near the hospital and the university campus.',
  'The transport department estimates the extension will cost about two million a year, paid partly from parking revenue, and says it will review ridership after the first twelve months.',
];

/** A site with one article and its two pictures, and a log of what was asked of it. */
async function startSite(): Promise<{ origin: string; requests: string[]; server: Server }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url === '/story') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(
        `<!DOCTYPE html><html lang="en"><head><title>Night buses</title></head><body><article><h1>Night buses</h1>` +
          `<p>${PARAGRAPHS[0]}</p><figure><img src="/pics/red.png" alt="Red bus"><figcaption>A red bus.</figcaption></figure>` +
          `<p>${PARAGRAPHS[1]}</p><figure><img data-src="/pics/blue.png" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="Blue bus"><figcaption>A blue bus.</figcaption></figure>` +
          `<p>${PARAGRAPHS[2]}</p></article></body></html>`,
      );
    } else if (req.url === '/pics/red.png' || req.url === '/pics/blue.png') {
      res.writeHead(200, { 'Content-Type': 'image/png' });
      res.end(png(req.url.includes('red') ? 200 : 20));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, server };
}

test('a saved page reads with all its images after the site is gone, and loads nothing remote', async ({
  page,
  host,
}) => {
  const site = await startSite();
  const save = await fetch(`${host.url}api/import.url`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Offprint-Token': host.token },
    body: JSON.stringify({ urls: [`${site.origin}/story`] }),
  });
  const result = (await save.json()) as {
    ok: boolean;
    value: Array<{ status: string; article: { id: string } }>;
  };
  expect(result.ok).toBe(true);
  expect(result.value[0]?.status).toBe('saved');
  const id = result.value[0]?.article.id ?? '';

  // The site goes away: from here on, reading may not need it.
  await new Promise<void>((resolve) => site.server.close(() => resolve()));
  site.server.closeAllConnections();
  const askedBefore = site.requests.length;

  const reader = new ReaderPage(page);
  await page.goto(`${host.url}#/article/${encodeURIComponent(id)}`);
  await reader.waitUntilShown('Night buses');
  await page.reload();
  await reader.waitUntilShown('Night buses');

  const images = reader.body.locator('img');
  await expect(images).toHaveCount(2);
  for (const image of await images.all()) {
    await expect(image).toHaveAttribute('src', /^images\/[0-9a-f]{64}\.png$/);
    // Rendered: decoded with real pixels, not a broken-image box.
    await expect
      .poll(() =>
        image.evaluate((element: HTMLImageElement) => element.complete && element.naturalWidth),
      )
      .toBe(1);
  }
  await expect(images.first()).toHaveAttribute('alt', 'Red bus');

  // Were a remote image ever to reach the page, the app's CSP would keep it from loading.
  const tracker = await startSite();
  const blocked = await page.evaluate(async (url) => {
    const image = document.createElement('img');
    const violation = new Promise<string>((resolve) =>
      document.addEventListener(
        'securitypolicyviolation',
        (event) => resolve(event.violatedDirective),
        {
          once: true,
        },
      ),
    );
    image.src = url;
    document.querySelector('[data-testid="reader-body"]')?.append(image);
    return violation;
  }, `${tracker.origin}/pixel.png`);
  expect(blocked).toBe('img-src');
  await page.waitForTimeout(300);
  expect(tracker.requests).toEqual([]);
  await new Promise<void>((resolve) => tracker.server.close(() => resolve()));
  expect(site.requests.length).toBe(askedBefore);
});
