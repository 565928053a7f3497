// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import type { Result } from '../../../../src-main/shared/errors';
import type { LibraryHealth, LibraryProblem } from '../../../../src-main/shared/model';
import { HealthState } from '../../../../src-renderer/src/state/health.svelte';
import { createFakeApi, deferred, settle } from '../fake-api';

function problem(path: string, overrides: Partial<LibraryProblem> = {}): LibraryProblem {
  return {
    file: 'article',
    path,
    articleId: null,
    outcome: 'dropped',
    message: `${path} could not be read; it was set aside.`,
    quarantined: `quarantine/2025-07-01T00-00-00Z/${path}`,
    at: '2025-07-01T00:00:00.000Z',
    ...overrides,
  };
}

describe('HealthState', () => {
  it('shows what main found at open, then new problems as they are found', async () => {
    const atOpen = [
      problem('library.json', { file: 'index', outcome: 'rebuilt', quarantined: null }),
    ];
    const fake = createFakeApi({
      'library.health': () => ({ ok: true, value: { problems: atOpen } }),
    });
    const health = new HealthState(fake.services());
    health.start();
    await settle();
    expect(health.unseen.map((item) => item.path)).toEqual(['library.json']);

    health.dismiss();
    expect(health.unseen).toEqual([]);

    const later = problem('articles/x/article.json', { articleId: 'x' });
    fake.emit('library.health', { problems: [...atOpen, later] });
    // Only the new problem comes back; the one put away stays away.
    expect(health.unseen.map((item) => item.path)).toEqual(['articles/x/article.json']);
    expect(health.problems).toHaveLength(2);
  });

  it('does not let a late answer take back a problem an event already brought', async () => {
    const answer = deferred<Result<LibraryHealth>>();
    const fake = createFakeApi({ 'library.health': () => answer.promise });
    const health = new HealthState(fake.services());
    health.start();
    fake.emit('library.health', { problems: [problem('a'), problem('b')] });
    answer.resolve({ ok: true, value: { problems: [problem('a')] } });
    await settle();
    expect(health.unseen.map((item) => item.path)).toEqual(['a', 'b']);
  });
});
