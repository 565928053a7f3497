/**
 * How a valibot failure is put into words, shared by the contract, the user-state rules and the
 * library's file records so that every message names the field at fault the same way.
 */
import type * as v from 'valibot';

/** The dotted path of the field an issue is about ("patch.bookmarked"), or '' for the whole value. */
export function issuePath(issue: v.BaseIssue<unknown>): string {
  return issue.path?.map((item) => String(item.key)).join('.') ?? '';
}

/** The first issue as "path: message" (just the message when it concerns the whole value). */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  const issue = issues[0];
  if (issue === undefined) return 'Invalid input.';
  const path = issuePath(issue);
  return path ? `${path}: ${issue.message}` : issue.message;
}
