// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { validateArgs, type ArgsOf } from '../../../../src-main/shared/contract';
import type { Result } from '../../../../src-main/shared/errors';
import type { Article, ArticleSummary } from '../../../../src-main/shared/model';
import { NotificationsState } from '../../../../src-renderer/src/state/notifications.svelte';
import { ReaderState } from '../../../../src-renderer/src/state/reader.svelte';
import { createFakeApi, deferred, settle, summary, type FakeHandlers } from '../fake-api';

function article(overrides: Partial<Article> = {}): Article {
  return {
    ...summary({ read: true }),
    contentHtml: '<p>Body</p>',
    dir: 'ltr',
    progress: 0,
    ...overrides,
  };
}

/**
 * article.setTags as main answers it: the argument goes through the contract's own schema (so the
 * messages and the folding are main's), and the answer carries the tags as stored.
 */
function mainSetTags(shown: Article) {
  return (args: ArgsOf<'article.setTags'>): Result<ArticleSummary> => {
    const checked = validateArgs('article.setTags', args);
    if (!checked.ok)
      return { ok: false, error: { code: 'invalid-argument', message: checked.message } };
    shown.tags = checked.value.tags;
    return { ok: true, value: { ...shown } };
  };
}

function setup(shown: Article, handlers: FakeHandlers = {}) {
  const fake = createFakeApi({
    'article.get': () => ({ ok: true, value: { ...shown } }),
    'article.setTags': mainSetTags(shown),
    ...handlers,
  });
  const notifications = new NotificationsState();
  const reader = new ReaderState(notifications, fake.services());
  return { fake, notifications, reader };
}

describe('ReaderState: tags', () => {
  it('adds the tags typed, commas separating several, and empties the field', async () => {
    const shown = article({ tags: ['Ukraine'] });
    const { fake, reader } = setup(shown);
    await reader.open(shown.id);

    reader.tagDraft = 'Istanbul talks, prisoners of war,';
    const adding = reader.addTags();
    // Shown at once, before main has answered.
    expect(reader.article?.tags).toEqual(['Ukraine', 'Istanbul talks', 'prisoners of war']);
    expect(reader.tagDraft).toBe('');
    expect(await adding).toBe(true);
    expect(fake.callsTo('article.setTags')).toEqual([
      { id: shown.id, tags: ['Ukraine', 'Istanbul talks', 'prisoners of war'] },
    ]);
    expect(reader.article?.tags).toEqual(['Ukraine', 'Istanbul talks', 'prisoners of war']);
    expect(reader.tagProblem).toBeNull();
  });

  it('shows a tag folded as main keeps it, and does not add one already there in another case', async () => {
    const shown = article({ tags: ['Ukraine'] });
    const { fake, reader } = setup(shown);
    await reader.open(shown.id);

    reader.tagDraft = '  long \t  reads , UKRAINE';
    await reader.addTags();
    expect(reader.article?.tags).toEqual(['Ukraine', 'long reads']);
    expect(fake.callsTo('article.setTags')).toEqual([
      { id: shown.id, tags: ['Ukraine', 'long reads'] },
    ]);

    reader.tagDraft = 'LONG READS';
    expect(await reader.addTags()).toBe(true);
    expect(fake.callsTo('article.setTags')).toHaveLength(1);
    expect(reader.tagProblem).toBe('This article is already tagged “LONG READS”.');
    // Typing again clears the notice.
    reader.tagDraft = 'b';
    expect(reader.tagProblem).toBeNull();
  });

  it('shows the tags main answers with, when they differ from those sent', async () => {
    const shown = article({ tags: [] });
    const { reader } = setup(shown, {
      // What main stored wins over what was sent (here another window added a tag meanwhile).
      'article.setTags': ({ tags }) => ({
        ok: true,
        value: { ...shown, tags: [...tags, 'from another window'] },
      }),
    });
    await reader.open(shown.id);
    reader.tagDraft = 'cafe\u0301';
    const adding = reader.addTags();
    // The field folds accents the way main does (NFC) even before it answers.
    expect(reader.article?.tags).toEqual(['café']);
    await adding;
    expect(reader.article?.tags).toEqual(['café', 'from another window']);
  });

  it('rolls back a refused tag, says why in main’s words, and gives the text back', async () => {
    const shown = article({ tags: ['Ukraine'] });
    const { reader, notifications } = setup(shown);
    await reader.open(shown.id);

    const long = 'x'.repeat(65);
    reader.tagDraft = `war, ${long}`;
    const adding = reader.addTags();
    expect(reader.article?.tags).toEqual(['Ukraine', 'war', long]);
    expect(await adding).toBe(false);
    expect(reader.article?.tags).toEqual(['Ukraine']);
    expect(reader.tagProblem).toBe('A tag is at most 64 characters; this one has 65.');
    expect(reader.tagDraft).toBe(`war, ${long}`);
    // Shown beside the field, not as a toast.
    expect(notifications.toasts).toEqual([]);
  });

  it('says when an article would have too many tags', async () => {
    const many = Array.from({ length: 100 }, (_, index) => `tag ${index}`);
    const shown = article({ tags: many });
    const { reader } = setup(shown);
    await reader.open(shown.id);
    reader.tagDraft = 'one more';
    expect(await reader.addTags()).toBe(false);
    expect(reader.article?.tags).toEqual(many);
    expect(reader.tagProblem).toBe('An article has at most 100 tags.');
  });

  it('sends nothing for a field holding only commas and spaces', async () => {
    const shown = article();
    const { fake, reader } = setup(shown);
    await reader.open(shown.id);
    reader.tagDraft = ' , ,, ';
    expect(await reader.addTags()).toBe(false);
    expect(fake.callsTo('article.setTags')).toEqual([]);
  });

  it('removes a tag at once and puts it back when main refuses', async () => {
    const shown = article({ tags: ['Ukraine', 'Russia'] });
    let refuse = false;
    const setTags = mainSetTags(shown);
    const { reader } = setup(shown, {
      'article.setTags': (args) =>
        refuse ? { ok: false, error: { code: 'io-error', message: 'Disk full.' } } : setTags(args),
    });
    await reader.open(shown.id);

    await reader.removeTag('russia');
    expect(reader.article?.tags).toEqual(['Ukraine']);
    expect(shown.tags).toEqual(['Ukraine']);

    refuse = true;
    const removing = reader.removeTag('Ukraine');
    expect(reader.article?.tags).toEqual([]);
    expect(await removing).toBe(false);
    expect(reader.article?.tags).toEqual(['Ukraine']);
    expect(reader.tagProblem).toBe('Could not remove “Ukraine”: Disk full.');
  });

  it('sends changes one at a time and shows the last, even if a bookmark answer comes between', async () => {
    const shown = article({ tags: [] });
    const first = deferred<Result<ArticleSummary>>();
    const answers = [first.promise];
    const { fake, reader } = setup(shown, {
      'article.setTags': ({ tags }) => answers.shift() ?? { ok: true, value: { ...shown, tags } },
      'article.setState': ({ patch }) => ({ ok: true, value: { ...shown, ...patch } }),
    });
    await reader.open(shown.id);

    reader.tagDraft = 'a';
    const adding = reader.addTags();
    reader.tagDraft = 'b';
    const addingMore = reader.addTags();
    await settle();
    // The second waits for the first to be answered.
    expect(fake.callsTo('article.setTags')).toEqual([{ id: shown.id, tags: ['a'] }]);
    // A bookmark answered meanwhile carries main's tags of before: the tags shown stay.
    await reader.toggleBookmark();
    expect(reader.article?.tags).toEqual(['a', 'b']);
    expect(reader.article?.bookmarked).toBe(true);

    first.resolve({ ok: true, value: { ...shown, tags: ['a'] } });
    await Promise.all([adding, addingMore]);
    expect(fake.callsTo('article.setTags')).toEqual([
      { id: shown.id, tags: ['a'] },
      { id: shown.id, tags: ['a', 'b'] },
    ]);
    expect(reader.article?.tags).toEqual(['a', 'b']);
  });

  it('reports a refusal as a toast once the user has left the article', async () => {
    const shown = article({ title: 'Left behind', tags: [] });
    const answer = deferred<Result<ArticleSummary>>();
    const { reader, notifications } = setup(shown, { 'article.setTags': () => answer.promise });
    await reader.open(shown.id);
    reader.tagDraft = 'later';
    const adding = reader.addTags();
    reader.close();
    answer.resolve({ ok: false, error: { code: 'io-error', message: 'Disk full.' } });
    expect(await adding).toBe(false);
    expect(reader.tagProblem).toBeNull();
    expect(notifications.toasts.map((toast) => toast.message)).toEqual([
      'Could not add tags to “Left behind”: Disk full.',
    ]);
  });

  it('forgets the field and its problem when another article opens', async () => {
    const shown = article({ tags: Array.from({ length: 100 }, (_, index) => `t${index}`) });
    const other = article();
    const { reader } = setup(shown, {
      'article.get': ({ id }) => ({ ok: true, value: id === other.id ? other : shown }),
    });
    await reader.open(shown.id);
    reader.tagDraft = 'too many';
    await reader.addTags();
    expect(reader.tagProblem).not.toBeNull();
    await reader.open(other.id);
    expect(reader.tagProblem).toBeNull();
    expect(reader.tagDraft).toBe('');
  });
});
