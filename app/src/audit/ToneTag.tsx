import type { ReactNode } from 'react';
import { Tag } from 'antd';
import type { Tone } from './verification';

/** Dark enough behind white text for WCAG AA (antd's light preset colours are not, at small sizes). */
export const TONE_COLOR: Record<Tone, string> = { success: '#237804', warning: '#ad4e00', error: '#a8071a' };

/** A tag coloured by how a line reads at a glance. */
export function ToneTag({ tone, children }: { tone: Tone; children: ReactNode }) {
  return (
    <Tag color={TONE_COLOR[tone]} style={{ whiteSpace: 'normal' }}>
      {children}
    </Tag>
  );
}
