import { describe, expect, it } from 'vitest';
import { correctionReason } from './MyApplications';

describe('why an application was returned', () => {
  it('when it was returned twice, then the latest return’s reason is shown; never returned, none', () => {
    const steps = [
      { step: 'apply', reason: null },
      { step: 'returnForCorrection', reason: '缺少用地规划许可' },
      { step: 'resubmit', reason: null },
      { step: 'returnForCorrection', reason: '可行性研究报告缺少交通组织方案' },
    ];
    expect(correctionReason({ steps } as never)).toBe('可行性研究报告缺少交通组织方案');
    expect(correctionReason({ steps: [steps[0]] } as never)).toBeUndefined();
  });
});
