import { Card, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSession } from '../session/session';
import { AlertQueue } from '../work/AlertQueue';
import { ComplaintQueue } from '../work/ComplaintQueue';
import { ProjectQueue } from '../work/ProjectQueue';
import { alertWork, complaintQueries } from '../work/site-steps';
import { queueOf } from '../work/work-items';

/**
 * "待办": everything that awaits this person's action — safety alerts to acknowledge and resolve, projects to
 * pre-review, review or decide, complaints to dispatch or answer — each with its working-day deadline, red when
 * overdue. Every action is signed on this device with the person's own key; the answer shows the ledger's receipt.
 */
export function WorkQueue() {
  const { t } = useTranslation();
  const { session } = useSession();
  const me = session!.me;
  const alerts = alertWork(me, { status: 'open' }).length > 0;
  const projects = queueOf(me) !== undefined;
  const complaints = complaintQueries(me).length > 0;
  return (
    <>
      <Typography.Title level={3}>{t('work.title')}</Typography.Title>
      {alerts && <AlertQueue />}
      {projects && <ProjectQueue />}
      {complaints && <ComplaintQueue />}
      {!alerts && !projects && !complaints && <Card>{t('work.noQueue')}</Card>}
    </>
  );
}
