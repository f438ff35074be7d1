import { describe, expect, it } from 'vitest';
import { deviationTone, orDash, percentOf } from './figures';

describe('dashboard formatting', () => {
  it('when a share is shown, then it has one decimal and a dash when nothing was counted', () => {
    expect(percentOf({ percent: 94 })).toBe('94.0 %');
    expect(percentOf({ percent: 96.7 })).toBe('96.7 %');
    expect(percentOf({ percent: null })).toBe('—');
    expect(orDash(null)).toBe('—');
    expect(orDash(0)).toBe('0');
  });
  it('when a deviation is coloured, then 10 points behind is red, 5 orange, less (or ahead) green', () => {
    expect(deviationTone(-12)).toBe('overdue');
    expect(deviationTone(-10)).toBe('overdue');
    expect(deviationTone(-5)).toBe('due');
    expect(deviationTone(-4.9)).toBe('ok');
    expect(deviationTone(3)).toBe('ok');
  });
});
