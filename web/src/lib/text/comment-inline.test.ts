import { describe, expect, it } from 'vitest';
import { inlinePieces, linkPieces, mentionPieces, mentions, parseWebUrl } from './comment-inline.js';

describe('links in comments', () => {
  it('turns http and https URLs into links showing their host name', () => {
    expect(linkPieces('Trailer: https://www.example.com/watch?v=1 and http://news.example.org/a')).toEqual([
      { kind: 'text', text: 'Trailer: ' },
      { kind: 'link', text: 'https://www.example.com/watch?v=1', href: 'https://www.example.com/watch?v=1', host: 'example.com' },
      { kind: 'text', text: ' and ' },
      { kind: 'link', text: 'http://news.example.org/a', href: 'http://news.example.org/a', host: 'news.example.org' },
    ]);
  });

  it('leaves every other scheme, and bare domains, as text', () => {
    for (const text of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(document.cookie)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox',
      'file:///etc/passwd',
      'ftp://example.com/x',
      'example.com',
      'https://',
      'http://',
    ]) {
      expect(linkPieces(text), text).toEqual([{ kind: 'text', text }]);
    }
    // A scheme smuggled after text does not make the text a link.
    expect(linkPieces('xhttps://example.com').some((p) => p.kind === 'link' && p.text.startsWith('x'))).toBe(false);
  });

  it('keeps sentence punctuation and unbalanced brackets out of the URL', () => {
    expect(parseWebUrl('https://example.com/a.')?.text).toBe('https://example.com/a');
    expect(parseWebUrl('https://example.com/a),')?.text).toBe('https://example.com/a');
    expect(parseWebUrl('https://en.wikipedia.org/wiki/Foo_(bar)')?.text).toBe('https://en.wikipedia.org/wiki/Foo_(bar)');
    expect(linkPieces('(see https://example.com/x)').map((p) => p.text)).toEqual(['(see ', 'https://example.com/x', ')']);
  });

  it('refuses links with credentials, which show one host and open another', () => {
    expect(parseWebUrl('https://bank.example@evil.example/login')).toBeNull();
  });

  it('keeps a time inside a URL part of the URL', () => {
    const pieces = inlinePieces('at 12:40 https://example.com:8080/12:40', { moments: true, myName: null });
    expect(pieces.map((p) => p.kind)).toEqual(['text', 'moment', 'text', 'link']);
  });
});

describe('mentions', () => {
  it('highlights @name of the reader, in any case, and not a longer name', () => {
    expect(mentionPieces('Great point @ana! cc @Anastasia', 'Ana')).toEqual([
      { kind: 'text', text: 'Great point ' },
      { kind: 'mention', text: '@ana' },
      { kind: 'text', text: '! cc @Anastasia' },
    ]);
    expect(mentions('hi @Ana Author', 'Ana Author')).toBe(true);
    expect(mentions('mail ana@Ana.com', 'Ana')).toBe(false);
    expect(mentions('@Ana', null)).toBe(false);
    // A name with characters that mean something in a pattern is matched as written.
    expect(mentions('thanks @J.R. (host)', 'J.R. (host)')).toBe(true);
    expect(mentions('thanks @JxR', 'J.R')).toBe(false);
  });

  it('combines with links: a mention inside a URL is part of the URL', () => {
    const pieces = inlinePieces('@Ana look https://example.com/@Ana', { moments: false, myName: 'Ana' });
    expect(pieces.map((p) => p.kind)).toEqual(['mention', 'text', 'link']);
  });
});
