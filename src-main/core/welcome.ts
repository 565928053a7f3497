/**
 * The welcome article a new library starts with. It lives as resources/welcome.txt in the same
 * plain-text layout users import (metadata line, title, standfirst, date, body with subheadings), so
 * the text importer reads it and the welcome article doubles as a sample of what that format gives.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OffprintError } from '../shared/errors';
import type { Library } from './library/library';
import { decodeText } from './ingest/decode';
import { parseTextArticle } from './ingest/text';

/** The welcome article's file inside the resources folder. */
export const WELCOME_FILE_NAME = 'welcome.txt';

/**
 * Adds the welcome article (resources/welcome.txt) to the library as sourceKind 'welcome' with site
 * name "Offprint". Does nothing when the library already holds a welcome article, so calling it on
 * every start is safe; deciding that a library is new (and that a deleted welcome stays deleted) is
 * the caller's job. Throws OffprintError 'not-found' when the resource is missing (a packaging fault).
 */
export async function addWelcomeArticle(library: Library, resourcesDir: string): Promise<void> {
  if (library.list().some((article) => article.sourceKind === 'welcome')) return;

  const path = join(resourcesDir, WELCOME_FILE_NAME);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new OffprintError('not-found', `The welcome article is missing (${path}).`, {
      cause: error,
    });
  }

  const article = parseTextArticle(decodeText(bytes).text, WELCOME_FILE_NAME);
  await library.add({ ...article, sourceKind: 'welcome', siteName: 'Offprint', fileName: null });
}
