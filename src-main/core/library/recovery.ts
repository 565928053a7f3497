/**
 * Repairs of an article folder whose files are damaged: used by the open-time scan and by the store
 * when it first meets a damaged file. Every repair first copies the damaged file to quarantine
 * (quarantine.ts), then writes the replacement atomically, and returns problem drafts saying what
 * happened, for the health log.
 *
 * - content-<n>.html damaged or missing: remade from text-<n>.txt (paragraphs, no formatting).
 * - text-<n>.txt damaged or missing: remade from the content.
 * - both: a short notice replaces the content; title, state, tags and annotations are kept.
 * - article.json damaged (or missing from a folder the index knows): remade from the index entry
 *   when there is one (nothing lost but reading progress), else from the content with default
 *   state. A folder with no content left cannot be remade: the caller quarantines it whole.
 */
import { readdir, stat } from 'node:fs/promises';
import type { ArticleSummary } from '../../shared/model';
import { countWords } from '../ingest/text-metrics';
import {
  ARTICLE_FORMAT,
  type ArticleRecord,
  type ArticleVersion,
  readingMinutes,
  writeArticleRecord,
} from './article-record';
import {
  type CheckedFile,
  LOST_CONTENT_HTML,
  firstHeading,
  htmlFromText,
  readChecked,
  sha256,
  textFromHtml,
} from './article-files';
import { isErrorCode, syncDirectory, writeFileAtomic } from './atomic-file';
import type { ProblemDraft } from './health';
import type { LibraryLayout } from './layout';
import { quarantineCopy, quarantineMove } from './quarantine';

/** A version's two files, both known good (possibly just remade). */
interface CompleteVersion {
  contentHtml: string;
  text: string;
  contentSha256: string;
  textSha256: string;
  /** True when a file was remade: the record's digests for this version must be updated. */
  repaired: boolean;
  problems: ProblemDraft[];
}

export type RecordRepair = { kind: 'rebuilt'; record: ArticleRecord } | { kind: 'quarantined' };

/**
 * article.json of folder `id` is damaged or lost (`what` says how, for the message): keeps a copy,
 * rebuilds it from the index entry `known` and the content and writes it, or moves the whole
 * folder to quarantine when no content is left. Every step is reported through `report`.
 */
export async function repairArticleRecord(
  layout: LibraryLayout,
  id: string,
  known: ArticleSummary | undefined,
  what: string,
  report: (problem: ProblemDraft) => void,
): Promise<RecordRepair> {
  const file = layout.articleFile(id);
  const copy = await quarantineCopy(layout, file).catch((error: unknown) => {
    if (isErrorCode(error, 'ENOENT')) return null;
    throw error;
  });
  const rebuilt = await rebuildRecord(layout, id, known);
  if (rebuilt === null) {
    const quarantined = await quarantineMove(layout, layout.articleDir(id));
    report({
      file: 'article',
      path: layout.relative(file),
      articleId: id,
      outcome: 'dropped',
      message: `Article ${known ? `"${known.title}"` : id} could not be opened: ${what}, and no content was left to rebuild it from. It is no longer listed; its files are in quarantine.`,
      quarantined,
    });
    return { kind: 'quarantined' };
  }
  await writeArticleRecord(layout, rebuilt.record);
  const recovered =
    known === undefined
      ? 'the article was rebuilt from its content with default state (not bookmarked, unread, no tags)'
      : 'the article was rebuilt from the library index: its state and tags are kept, its reading position is not';
  report({
    file: 'article',
    path: layout.relative(file),
    articleId: id,
    outcome: 'rebuilt',
    message: `Article "${rebuilt.record.title}": ${what}; ${recovered}.`,
    quarantined: copy,
  });
  for (const problem of rebuilt.problems) report(problem);
  return { kind: 'rebuilt', record: rebuilt.record };
}

/**
 * Reads one file of an article version, checked against the record; repairs the version when the
 * file is damaged. `record` is the updated article record to commit when something was remade.
 */
export async function loadVersionFile(
  layout: LibraryLayout,
  record: ArticleRecord,
  version: number,
  kind: 'content' | 'text',
): Promise<{ value: string; record: ArticleRecord | null; problems: ProblemDraft[] }> {
  const entry = record.versions.find((item) => item.version === version);
  if (entry === undefined) throw new Error(`article ${record.id} has no version ${version}`);
  const contentPath = layout.contentFile(record.id, version);
  const textPath = layout.textFile(record.id, version);
  if (kind === 'content') {
    const content = await readChecked(contentPath, entry.contentSha256);
    if (content.state === 'ok') return { value: content.text, record: null, problems: [] };
    const text = await readChecked(textPath, entry.textSha256);
    const done = await completeVersion(layout, record.id, version, content, text, label(record));
    return {
      value: done.contentHtml,
      record: withDigests(record, version, done),
      problems: done.problems,
    };
  }
  const text = await readChecked(textPath, entry.textSha256);
  if (text.state === 'ok') return { value: text.text, record: null, problems: [] };
  const content = await readChecked(contentPath, entry.contentSha256);
  const done = await completeVersion(layout, record.id, version, content, text, label(record));
  return { value: done.text, record: withDigests(record, version, done), problems: done.problems };
}

/**
 * Makes a new article.json for folder `id` from what is left in it: the index entry `known` (when
 * the index had one) and the content files. Writes the repaired content files, not article.json.
 * Returns null when no content file is left at all.
 */
export async function rebuildRecord(
  layout: LibraryLayout,
  id: string,
  known: ArticleSummary | undefined,
): Promise<{ record: ArticleRecord; problems: ProblemDraft[] } | null> {
  const dir = layout.articleDir(id);
  const numbers = new Set<number>();
  for (const name of await readdir(dir)) {
    const match = /^(?:content-(\d+)\.html|text-(\d+)\.txt)$/.exec(name);
    const number = Number(match?.[1] ?? match?.[2]);
    if (Number.isSafeInteger(number) && number >= 1) numbers.add(number);
  }
  if (numbers.size === 0) return null;

  const problems: ProblemDraft[] = [];
  const versions: ArticleVersion[] = [];
  let current: CompleteVersion | null = null;
  const name = known === undefined ? `article ${id}` : `"${known.title}"`;
  for (const version of [...numbers].sort((a, b) => a - b)) {
    const contentPath = layout.contentFile(id, version);
    const textPath = layout.textFile(id, version);
    const savedAt = await firstMtime([contentPath, textPath]);
    const content = await readChecked(contentPath, undefined);
    const text = await readChecked(textPath, undefined);
    current = await completeVersion(layout, id, version, content, text, name);
    problems.push(...current.problems);
    versions.push({
      version,
      savedAt: savedAt.toISOString(),
      wordCount: countWords(current.text),
      contentSha256: current.contentSha256,
      textSha256: current.textSha256,
    });
  }
  const latest = versions.at(-1);
  if (current === null || latest === undefined) return null;
  // The importer's count is the one the library showed; keep it when the index remembers it.
  if (known !== undefined) latest.wordCount = known.wordCount;
  const firstLine = current.text.split('\n').find((line) => line.trim() !== '');
  const title =
    known?.title ?? firstHeading(current.contentHtml) ?? firstLine?.trim().slice(0, 200) ?? id;
  const savedAt = known?.savedAt ?? versions[0]?.savedAt ?? latest.savedAt;
  const record: ArticleRecord = {
    format: ARTICLE_FORMAT,
    id,
    title,
    siteName: known?.siteName ?? null,
    section: known?.section ?? null,
    byline: known?.byline ?? null,
    publishedTime: known?.publishedTime ?? null,
    savedAt,
    updatedAt: known?.updatedAt ?? savedAt,
    excerpt: known?.excerpt ?? null,
    url: known?.url ?? null,
    lang: known?.lang ?? null,
    wordCount: latest.wordCount,
    readingMinutes: readingMinutes(latest.wordCount),
    sourceKind: known?.sourceKind ?? 'html',
    fileName: known?.fileName ?? null,
    bookmarked: known?.bookmarked ?? false,
    read: known?.read ?? false,
    archived: known?.archived ?? false,
    tags: [...(known?.tags ?? [])],
    progress: 0,
    dir: /^\s*<[^>]+\sdir="rtl"/i.test(current.contentHtml) ? 'rtl' : null,
    currentVersion: latest.version,
    versions,
  };
  return { record, problems };
}

/** Makes sure both files of a version are good, remaking the bad one from the other. */
async function completeVersion(
  layout: LibraryLayout,
  id: string,
  version: number,
  content: CheckedFile,
  text: CheckedFile,
  name: string,
): Promise<CompleteVersion> {
  const contentPath = layout.contentFile(id, version);
  const textPath = layout.textFile(id, version);
  if (content.state === 'ok' && text.state === 'ok') {
    return {
      contentHtml: content.text,
      text: text.text,
      contentSha256: content.sha256,
      textSha256: text.sha256,
      repaired: false,
      problems: [],
    };
  }
  const problems: ProblemDraft[] = [];
  let contentHtml: string;
  let plainText: string;
  if (content.state === 'ok') {
    contentHtml = content.text;
    plainText = await textFromHtml(contentHtml);
    problems.push({
      file: 'text',
      path: layout.relative(textPath),
      articleId: id,
      outcome: 'rebuilt',
      message: `The plain text of ${name} (used by search) ${describe(text)}: it was made again from the article's content.`,
      quarantined: await keepCopy(layout, textPath, text),
    });
  } else if (text.state === 'ok') {
    plainText = text.text;
    contentHtml = htmlFromText(plainText);
    problems.push({
      file: 'content',
      path: layout.relative(contentPath),
      articleId: id,
      outcome: 'rebuilt',
      message: `The content of ${name} ${describe(content)}: it was rebuilt from the article's plain text, without formatting or images.`,
      quarantined: await keepCopy(layout, contentPath, content),
    });
  } else {
    contentHtml = LOST_CONTENT_HTML;
    plainText = '';
    const quarantined = await keepCopy(layout, contentPath, content);
    const textCopy = await keepCopy(layout, textPath, text);
    problems.push({
      file: 'content',
      path: layout.relative(contentPath),
      articleId: id,
      outcome: 'reset',
      message: `The content of ${name} ${describe(content)} and its plain text ${describe(text)}: the text could not be recovered. The article stays, with its title, state, tags and notes.`,
      quarantined: quarantined ?? textCopy,
    });
  }
  if (content.state !== 'ok') await writeFileAtomic(contentPath, contentHtml);
  if (text.state !== 'ok') await writeFileAtomic(textPath, plainText);
  await syncDirectory(layout.articleDir(id));
  return {
    contentHtml,
    text: plainText,
    contentSha256: sha256(contentHtml),
    textSha256: sha256(plainText),
    repaired: true,
    problems,
  };
}

function withDigests(
  record: ArticleRecord,
  version: number,
  done: CompleteVersion,
): ArticleRecord | null {
  if (!done.repaired) return null;
  return {
    ...record,
    versions: record.versions.map((entry) =>
      entry.version === version
        ? { ...entry, contentSha256: done.contentSha256, textSha256: done.textSha256 }
        : entry,
    ),
  };
}

/** Copies a damaged file to quarantine; a missing one has nothing to keep. */
async function keepCopy(
  layout: LibraryLayout,
  path: string,
  file: CheckedFile,
): Promise<string | null> {
  return file.state === 'damaged' ? quarantineCopy(layout, path) : null;
}

function describe(file: CheckedFile): string {
  if (file.state === 'missing') return 'was missing';
  if (file.state === 'damaged') return `was damaged (${file.reason})`;
  return 'was fine';
}

function label(record: ArticleRecord): string {
  return `"${record.title}"`;
}

/** The modification time of the first of `paths` that exists; now when none does. */
async function firstMtime(paths: string[]): Promise<Date> {
  for (const path of paths) {
    try {
      return (await stat(path)).mtime;
    } catch {
      // Try the next one.
    }
  }
  return new Date();
}
