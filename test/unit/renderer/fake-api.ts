/**
 * A stand-in for the bridge: every channel of the contract answers from a handler the test gives
 * (or fails loudly when a test did not expect the call), every call is recorded, and events can be
 * pushed as main would push them.
 */
import {
  CHANNEL_NAMES,
  type LibraryQuery,
  type LibraryQueryResult,
  type ArgsOf,
  type ChannelName,
  type EventMap,
  type EventName,
  type OffprintApi,
  type ResultOf,
} from '../../../src-main/shared/contract';
import type { Result } from '../../../src-main/shared/errors';
import type { ArticleSummary } from '../../../src-main/shared/model';
import { articleSummary } from '../../support/article-summary';
import {
  importDroppedFiles,
  pickAndImportFiles,
  type RendererServices,
} from '../../../src-renderer/src/lib/api';

export type FakeHandlers = {
  [C in ChannelName]?: (args: ArgsOf<C>) => Result<ResultOf<C>> | Promise<Result<ResultOf<C>>>;
};

export interface FakeApi {
  api: OffprintApi;
  calls: { channel: ChannelName; args: unknown }[];
  callsTo(channel: ChannelName): unknown[];
  emit<E extends EventName>(event: E, payload: EventMap[E]): void;
  listenerCount(event: EventName): number;
  /** Services as the state classes take them, wired to this fake api. */
  services(native?: boolean): RendererServices;
}

export function createFakeApi(handlers: FakeHandlers): FakeApi {
  const calls: { channel: ChannelName; args: unknown }[] = [];
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  const methods = Object.fromEntries(
    CHANNEL_NAMES.map((channel) => [
      channel,
      async (args: unknown) => {
        calls.push({ channel, args });
        const handler = handlers[channel] as ((args: unknown) => unknown) | undefined;
        if (!handler) throw new Error(`The test did not expect a call to ${channel}`);
        return handler(args);
      },
    ]),
  );
  const api = {
    ...methods,
    on(event: EventName, listener: (payload: never) => void) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
  } as unknown as OffprintApi;
  return {
    api,
    calls,
    callsTo: (channel) => calls.filter((call) => call.channel === channel).map((call) => call.args),
    emit(event, payload) {
      for (const listener of listeners.get(event) ?? []) {
        (listener as (payload: unknown) => void)(payload);
      }
    },
    listenerCount: (event) => listeners.get(event)?.size ?? 0,
    services: (native = false) => ({
      api,
      pickAndImportFiles: (input) => pickAndImportFiles(input, api, native),
      importDroppedFiles: (files) => importDroppedFiles(files, api),
    }),
  };
}

/** A promise the test settles by hand, to hold an answer back while it looks at the state. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((settle) => (resolve = settle));
  return { promise, resolve };
}

let counter = 0;

/** An article summary with sensible defaults. */
export function summary(overrides: Partial<ArticleSummary> = {}): ArticleSummary {
  counter += 1;
  return articleSummary({
    id: `article-${counter}`,
    title: `Article ${counter}`,
    siteName: 'TRT World',
    section: 'WORLD',
    publishedTime: '2025-06-11',
    savedAt: '2025-06-12T08:00:00.000Z',
    updatedAt: '2025-06-12T08:00:00.000Z',
    lang: 'en',
    wordCount: 900,
    readingMinutes: 4,
    fileName: `article-${counter}.txt`,
    ...overrides,
  });
}

/**
 * Answers library.query over a list the test holds, the way main does in outline: the text must
 * appear in the title (a highlighted snippet is made from the title), state counts are for the text
 * and tag before the flag filters, tag counts for the text alone (a tag ignoring case, named by its
 * first spelling), and offset/limit cut the page. Order is the list's own unless a sort is given.
 */
export function answerQuery(
  articles: readonly ArticleSummary[],
  query: LibraryQuery,
): LibraryQueryResult {
  const text = query.text?.toLowerCase();
  const tag = query.filters?.tag?.toLowerCase();
  const found = articles.filter((article) => !text || article.title.toLowerCase().includes(text));
  const tags = new Map<string, { tag: string; count: number }>();
  for (const article of found) {
    for (const name of article.tags) {
      const known = tags.get(name.toLowerCase());
      if (known) known.count += 1;
      else tags.set(name.toLowerCase(), { tag: name, count: 1 });
    }
  }
  const matching = found.filter(
    (article) => tag === undefined || article.tags.some((name) => name.toLowerCase() === tag),
  );
  const filters = query.filters ?? {};
  const rows = matching.filter(
    (article) =>
      (filters.bookmarked === undefined || article.bookmarked === filters.bookmarked) &&
      (filters.unread === undefined || article.read !== filters.unread) &&
      (filters.archived === undefined || article.archived === filters.archived),
  );
  if (query.sort === 'title') {
    rows.sort((a, b) => a.title.localeCompare(b.title) * (query.direction === 'desc' ? -1 : 1));
  }
  const offset = query.offset ?? 0;
  return {
    total: rows.length,
    counts: {
      all: matching.length,
      bookmarked: matching.filter((article) => article.bookmarked).length,
      unread: matching.filter((article) => !article.read).length,
      archived: matching.filter((article) => article.archived).length,
      tags: [...tags.values()].sort((a, b) => b.count - a.count || a.tag.localeCompare(b.tag)),
    },
    items: rows.slice(offset, offset + (query.limit ?? 100)).map((article) => {
      if (!text) return article;
      const at = article.title.toLowerCase().indexOf(text);
      return { ...article, snippet: { text: article.title, highlights: [[at, at + text.length]] } };
    }),
  };
}

/** Lets pending promise callbacks run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
  await new Promise((resolve) => setTimeout(resolve, 0));
}
