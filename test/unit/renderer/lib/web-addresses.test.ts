import { describe, expect, it } from 'vitest';
import {
  addressesFromDrop,
  addressesInText,
  parseAddressList,
  webAddress,
} from '../../../../src-renderer/src/lib/web-addresses';

describe('parseAddressList (the Save dialog)', () => {
  it('takes one address a line, in order, and skips blank lines', () => {
    expect(
      parseAddressList(
        'https://a.example/one\n\n  http://b.example/two?x=1  \r\nhttps://c.example/',
      ),
    ).toEqual({
      urls: ['https://a.example/one', 'http://b.example/two?x=1', 'https://c.example/'],
      rejected: [],
    });
  });

  it('reports lines without an address, and keeps the good ones', () => {
    expect(parseAddressList('https://a.example/\nnot an address\nftp://files.example/x')).toEqual({
      urls: ['https://a.example/'],
      rejected: ['not an address', 'ftp://files.example/x'],
    });
  });

  it('takes an address typed without its scheme as https, but not a plain word', () => {
    expect(parseAddressList('example.com/news/story\nlocalhost\nnews')).toEqual({
      urls: ['https://example.com/news/story'],
      rejected: ['localhost', 'news'],
    });
  });

  it('finds addresses among words and punctuation, and lists each page once', () => {
    const { urls } = parseAddressList(
      'Read this: <https://a.example/story>.\n(https://en.wikipedia.org/wiki/Mozilla_(disambiguation))\nhttps://a.example/story#comments',
    );
    expect(urls).toEqual([
      'https://a.example/story',
      'https://en.wikipedia.org/wiki/Mozilla_(disambiguation)',
    ]);
  });

  it('refuses addresses with credentials or longer than main accepts', () => {
    expect(webAddress('https://user:secret@a.example/')).toBeNull();
    expect(webAddress(`https://a.example/${'x'.repeat(2100)}`)).toBeNull();
    expect(webAddress('javascript:alert(1)')).toBeNull();
    expect(webAddress('https://a.example')).toBe('https://a.example/');
  });
});

describe('addressesInText (a paste on the library)', () => {
  it('saves only addresses spelled out with http(s)', () => {
    expect(addressesInText('see example.com or https://b.example/x, and http://c.example')).toEqual(
      ['https://b.example/x', 'http://c.example/'],
    );
    expect(addressesInText('just some words')).toEqual([]);
    expect(addressesInText('')).toEqual([]);
  });
});

describe('addressesFromDrop (a link dragged from a browser)', () => {
  it('reads text/uri-list, skipping its comment lines', () => {
    expect(
      addressesFromDrop('# from the bookmarks bar\r\nhttps://a.example/\r\nhttps://b.example/', ''),
    ).toEqual(['https://a.example/', 'https://b.example/']);
  });

  it('falls back on the plain text when the list has no web address', () => {
    expect(addressesFromDrop('file:///home/me/notes.txt', 'Look: https://a.example/x')).toEqual([
      'https://a.example/x',
    ]);
    expect(addressesFromDrop('', 'nothing here')).toEqual([]);
  });
});
