import { describe, expect, it } from 'vitest';
import { awayText, reactionsText } from './digest-text.js';

describe('away digest in words', () => {
  it('says how long the viewer was away', () => {
    expect(awayText(59_999)).toBe('less than a minute');
    expect(awayText(120_000)).toBe('2 min');
    expect(awayText(3_600_000)).toBe('1 h');
    expect(awayText(7_500_000)).toBe('2 h 5 min');
  });
  it('counts reactions of every kind', () => {
    expect(reactionsText({ like: 1, love: 0, laugh: 0, wow: 0 })).toBe('1 reaction');
    expect(reactionsText({ like: 500, love: 500, laugh: 200, wow: 34 })).toBe('1,234 reactions');
  });
});
