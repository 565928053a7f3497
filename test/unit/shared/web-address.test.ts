/**
 * The address finding both sides share: which words are candidates, how prose punctuation comes
 * off them, which candidates parse as web addresses, and how repeats are dropped.
 */
import { describe, expect, it } from 'vitest';
import { MAX_URL_LENGTH } from '../../../src-main/shared/limits';
import {
  addressCandidates,
  parseWebUrl,
  unwrapAddress,
  uniqueAddresses,
} from '../../../src-main/shared/web-address';

describe('addressCandidates', () => {
  it('takes the words that start with http: or https:, unwrapped, in order, repeats kept', () => {
    const text =
      'See <https://a.example/x>, then (HTTP://b.example) and https://a.example/x. Not ftp://c';
    expect(addressCandidates(text)).toEqual([
      'https://a.example/x',
      'HTTP://b.example',
      'https://a.example/x',
    ]);
  });

  it('leaves words without a scheme alone', () => {
    expect(addressCandidates('example.com/story www.example.org')).toEqual([]);
  });
});

describe('unwrapAddress', () => {
  it('keeps a closing parenthesis the address opened, drops one it did not', () => {
    expect(unwrapAddress('https://en.wikipedia.org/wiki/Bus_(disambiguation)).')).toBe(
      'https://en.wikipedia.org/wiki/Bus_(disambiguation)',
    );
    expect(unwrapAddress('“https://a.example/story”;')).toBe('https://a.example/story');
  });
});

describe('parseWebUrl', () => {
  it('accepts absolute http(s) addresses with a host and nothing else', () => {
    expect(parseWebUrl('https://a.example/x?y=1')?.href).toBe('https://a.example/x?y=1');
    expect(parseWebUrl('mailto:someone@example.com')).toBeNull();
    expect(parseWebUrl('javascript:alert(1)')).toBeNull();
    expect(parseWebUrl('/relative/path')).toBeNull();
    expect(parseWebUrl('')).toBeNull();
  });

  it('refuses an address longer than the limit', () => {
    const base = 'https://a.example/';
    expect(parseWebUrl(base + 'x'.repeat(MAX_URL_LENGTH - base.length))).not.toBeNull();
    expect(parseWebUrl(base + 'x'.repeat(MAX_URL_LENGTH - base.length + 1))).toBeNull();
  });
});

describe('uniqueAddresses', () => {
  it('keeps the first of each page as the key sees it', () => {
    const withoutFragment = (url: string) => url.replace(/#.*$/, '');
    expect(
      uniqueAddresses(
        ['https://a.example/#top', 'https://b.example/', 'https://a.example/#end'],
        withoutFragment,
      ),
    ).toEqual(['https://a.example/#top', 'https://b.example/']);
  });
});
