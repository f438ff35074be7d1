import { Card, Statistic, Tooltip, Typography } from 'antd';
import type { ReactNode } from 'react';

/**
 * One figure of the dashboard: its name, its value, and its definition — on hover and focus (the card is focusable,
 * so a keyboard user reads it too) and as the card's accessible description.
 */
export function Figure(props: {
  id: string;
  title: string;
  definition: string;
  value: ReactNode;
  suffix?: string;
  footer?: ReactNode;
  tone?: 'good' | 'bad';
}) {
  const colour = props.tone === 'bad' ? '#a8071a' : props.tone === 'good' ? '#237804' : undefined;
  return (
    <Tooltip title={props.definition} trigger={['hover', 'focus']}>
      <Card
        size="small"
        tabIndex={0}
        data-figure={props.id}
        aria-describedby={`${props.id}-definition`}
        style={{ height: '100%' }}
      >
        <Statistic
          title={props.title}
          value={props.value as string}
          suffix={props.suffix}
          styles={{ content: { color: colour } }}
        />
        <span id={`${props.id}-definition`} hidden>
          {props.definition}
        </span>
        {props.footer && <Typography.Text type="secondary">{props.footer}</Typography.Text>}
      </Card>
    </Tooltip>
  );
}
