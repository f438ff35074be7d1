import { describe, expect, it } from 'vitest';
import { formatYuan } from './amount';
import { deadlineState } from './deadline';
import { matches } from './matches';

describe('amounts in 元', () => {
  it('when 123456789 fen is shown in Chinese, then it reads 1,234,567.89 元', () => {
    expect(formatYuan(123_456_789, 'zh-CN')).toBe('1,234,567.89 元');
  });
  it('when it is shown in English, then it reads ¥1,234,567.89', () => {
    expect(formatYuan(123_456_789, 'en')).toBe('¥1,234,567.89');
  });
});

describe('deadline colouring', () => {
  it('when the deadline passed yesterday, then it is overdue', () => {
    expect(deadlineState('2026-12-04', '2026-12-05')).toBe('overdue');
  });
  it('when the deadline is today or tomorrow, then it is due', () => {
    expect(deadlineState('2026-12-05', '2026-12-05')).toBe('due');
    expect(deadlineState('2026-12-06', '2026-12-05')).toBe('due');
  });
  it('when the deadline is later, then it is in time (across a month end too)', () => {
    expect(deadlineState('2027-01-02', '2026-12-30')).toBe('ok');
    expect(deadlineState('2026-12-31', '2026-12-30')).toBe('due');
  });
});

describe('finding a row by what a person types', () => {
  it('when every word is in some field, then it matches; when one word is missing, then it does not', () => {
    expect(matches('', 'C-1')).toBe(true);
    expect(matches('c-1f 围挡', 'C-1F2A', '工地围挡倒塌')).toBe(true);
    expect(matches('C-1F 井盖', 'C-1F2A', '工地围挡倒塌')).toBe(false);
    expect(matches('HT', null, undefined)).toBe(false);
  });
});
