import { describe, expect, it } from 'vitest';
import { DisplayName, clipMarks, nameKey } from './schemas.js';

const parse = (s: string) => DisplayName.safeParse(s);

describe('display names', () => {
  it('normalises to NFC and strips direction controls', () => {
    expect(parse('Jose\u0301').data).toBe('José');
    expect(parse('\u202Eanah\u202C').data).toBe('anah');
    expect(parse('Ana\u2066 Lee\u2069').data).toBe('Ana Lee');
  });

  it('refuses names that draw nothing', () => {
    for (const blank of ['\u200B\u200B', '\u200D', '\u3164\u3164', '\u2800', '\u0301\u0301', '\u202E \u202C', '\uFEFF']) {
      expect(parse(blank).success, JSON.stringify(blank)).toBe(false);
    }
    expect(parse('👩‍💻').success).toBe(true);
  });

  it('keeps at most three combining marks per character', () => {
    const zalgo = `Z${'\u0336\u0337\u0338\u0339'.repeat(10)}oe`;
    expect(parse(zalgo).data).toBe('Z\u0336\u0337\u0338oe');
    // Vietnamese stacks two: untouched.
    expect(parse('Nguyễn Thị Ánh').data).toBe('Nguyễn Thị Ánh');
    expect(clipMarks(`a${'\u0301'.repeat(4_996)}b`)).toBe('a\u0301\u0301\u0301b');
  });

  it('compares names regardless of case, width, accents and invisible characters', () => {
    expect(nameKey('Hana Host')).toBe(nameKey('ＨＡＮＡ host'));
    expect(nameKey('Hána')).toBe(nameKey('hana'));
    expect(nameKey('Ha\u200Dna')).toBe(nameKey('Hana'));
    expect(nameKey('Hana')).not.toBe(nameKey('Hanna'));
  });
});
