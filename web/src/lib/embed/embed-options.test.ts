import { describe, expect, it } from 'vitest';
import { embedOptions, readableAccent, textOn } from './embed-options';

describe('embed options', () => {
  it('keeps a listed parent origin, a known theme and a #hex accent; drops anything else', () => {
    const url = new URL('http://board/embed/posts/p1?parent=https://fan.example&theme=dark&accent=%23e4572e');
    expect(embedOptions(url, 'https://fan.example')).toEqual({ theme: 'dark', accent: '#e4572e', parent: 'https://fan.example' });
    const bad = new URL('http://board/embed/posts/p1?parent=https://evil.example&theme=neon&accent=red;background:url(x)');
    expect(embedOptions(bad, 'https://fan.example')).toEqual({ theme: 'auto', accent: null, parent: null });
  });

  it("moves a host's accent just enough to read on the theme's backgrounds", () => {
    // The light theme's blue is 2.8:1 on the dark background: lightened until it reads; orange already does.
    const dark = readableAccent('#2b59c3', ['#121315', '#1a1b1e']);
    expect(dark).not.toBe('#2b59c3');
    expect(readableAccent(dark, ['#121315', '#1a1b1e'])).toBe(dark);
    expect(readableAccent('#e4572e', ['#121315', '#1a1b1e'])).toBe('#e4572e');
    // A dark blue already reads on white; yellow does not and is darkened.
    expect(readableAccent('#2b59c3', ['#ffffff'])).toBe('#2b59c3');
    expect(readableAccent('#ffdd00', ['#ffffff'])).not.toBe('#ffdd00');
    expect(textOn('#ffdd00')).toBe('#000000');
    expect(textOn('#2b59c3')).toBe('#ffffff');
  });
});
