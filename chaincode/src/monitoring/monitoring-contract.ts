/** Contract `monitoring`: device safety alerts (acknowledged and resolved by clerks), progress deviations, risk scores. */
import { ALERT_STATUSES, AlertStatus } from '@luohu/domain';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { Caller, actorOf, authorize, enrollmentIdOf } from '../shared/access';
import {
  emit,
  getRecord,
  moveIndex,
  pageByIndex,
  pageRecords,
  putIndex,
  putRecord,
  recordExists,
  recordKey,
  txTime,
} from '../shared/ledger';
import { canonicalJson } from '../shared/serialise';
import { requireId, requireOneOf, requireText } from '../shared/validate';
import { loadProject } from '../approval/approval';
import {
  DEVIATION,
  RISK,
  SAFETY_ALERT,
  SAFETY_BY_PROJECT,
  SAFETY_BY_STATUS,
  SafetyAlert,
  parseDeviation,
  parseRiskScore,
  parseSafetyAlert,
  severityOf,
} from './monitoring';
import { refuse } from '../shared/refusal';

/**
 * The `monitoring` namespace's transactions: devices' safety alerts and their handling, progress deviations, risk
 * scores.
 */
@Info({ title: 'monitoring', description: 'Progress and quality monitoring (进度与质量)' })
export class MonitoringContract extends Contract {
  constructor() {
    super('monitoring');
  }

  /**
   * Raised by an edge device identity, for itself only: the device id is the enrollment ID its certificate was issued
   * to, so one device (or whoever holds its key) cannot report in another's name.
   */
  @Transaction()
  @Returns('string')
  async raiseSafetyAlert(ctx: Context, alertJson: string): Promise<string> {
    const caller = await authorize(ctx, 'monitoring.raiseSafetyAlert');
    const input = parseSafetyAlert(alertJson);
    const self = enrollmentIdOf(caller);
    if (input.deviceId !== self) {
      throw refuse(
        'forbidden',
        `access denied: device ${self ?? '(unnamed)'} cannot report for device ${input.deviceId}`,
      );
    }
    await loadProject(ctx, input.projectId);
    if (await recordExists(ctx, SAFETY_ALERT, [input.id])) {
      throw refuse('already_exists', `safety alert ${input.id} already exists`, { kind: 'safetyAlert', id: input.id });
    }
    const alert: SafetyAlert = {
      docType: 'safetyAlert',
      ...input,
      device: actorOf(caller),
      status: 'open',
      raisedAt: txTime(ctx),
    };
    const key = recordKey(ctx, SAFETY_ALERT, [alert.id]);
    await putIndex(ctx, SAFETY_BY_PROJECT, [alert.projectId, alert.id], key);
    await putIndex(ctx, SAFETY_BY_STATUS, [alert.status, alert.id], key);
    const state = await putRecord(ctx, SAFETY_ALERT, [alert.id], alert);
    emit(ctx, {
      type: 'monitoring.safety_alert_raised',
      ids: { alertId: alert.id, projectId: alert.projectId, status: alert.status },
      state,
    });
    return state.json;
  }

  @Transaction()
  @Returns('string')
  async acknowledgeSafetyAlert(ctx: Context, alertId: string): Promise<string> {
    const caller = await authorize(ctx, 'monitoring.acknowledgeSafetyAlert');
    const alert = await this.#readSafetyAlert(ctx, alertId);
    return this.#move(ctx, alert, 'open', 'acknowledged', caller, {}, 'monitoring.safety_alert_acknowledged');
  }

  @Transaction()
  @Returns('string')
  async resolveSafetyAlert(ctx: Context, alertId: string, resolution: string): Promise<string> {
    const caller = await authorize(ctx, 'monitoring.resolveSafetyAlert');
    requireText('resolution', resolution, 2000);
    const alert = await this.#readSafetyAlert(ctx, alertId);
    return this.#move(
      ctx,
      alert,
      'acknowledged',
      'resolved',
      caller,
      { resolution },
      'monitoring.safety_alert_resolved',
    );
  }

  @Transaction()
  @Returns('string')
  async recordProgressDeviation(ctx: Context, deviationJson: string): Promise<string> {
    const caller = await authorize(ctx, 'monitoring.recordProgressDeviation');
    const input = parseDeviation(deviationJson);
    await loadProject(ctx, input.projectId);
    if (await recordExists(ctx, DEVIATION, [input.projectId, input.id])) {
      throw refuse('already_exists', `progress deviation ${input.id} of project ${input.projectId} already exists`, {
        kind: 'progressDeviation',
        id: input.id,
      });
    }
    const deviation = input.actualPercent - input.plannedPercent;
    const record = {
      docType: 'progressDeviation',
      ...input,
      deviation,
      severity: severityOf(deviation),
      by: actorOf(caller),
      at: txTime(ctx),
    };
    const state = await putRecord(ctx, DEVIATION, [input.projectId, input.id], record);
    emit(ctx, {
      type: 'monitoring.progress_deviation_recorded',
      ids: { deviationId: input.id, projectId: input.projectId },
      state,
    });
    return state.json;
  }

  /** A risk score is stored with the exact inputs and model version that produced it. */
  @Transaction()
  @Returns('string')
  async recordRiskScore(ctx: Context, riskJson: string): Promise<string> {
    const caller = await authorize(ctx, 'monitoring.recordRiskScore');
    const input = parseRiskScore(riskJson);
    await loadProject(ctx, input.projectId);
    if (await recordExists(ctx, RISK, [input.projectId, input.id])) {
      throw refuse('already_exists', `risk score ${input.id} of project ${input.projectId} already exists`, {
        kind: 'riskScore',
        id: input.id,
      });
    }
    const state = await putRecord(ctx, RISK, [input.projectId, input.id], {
      docType: 'riskScore',
      ...input,
      by: actorOf(caller),
      at: txTime(ctx),
    });
    emit(ctx, { type: 'monitoring.risk_scored', ids: { riskScoreId: input.id, projectId: input.projectId }, state });
    return state.json;
  }

  @Transaction(false)
  @Returns('string')
  async readSafetyAlert(ctx: Context, alertId: string): Promise<string> {
    await authorize(ctx, 'monitoring.read');
    return canonicalJson(await this.#readSafetyAlert(ctx, alertId));
  }

  @Transaction(false)
  @Returns('string')
  async listSafetyAlertsByProject(
    ctx: Context,
    projectId: string,
    pageSize: string,
    bookmark: string,
  ): Promise<string> {
    await authorize(ctx, 'monitoring.read');
    return canonicalJson(
      await pageByIndex<SafetyAlert>(ctx, SAFETY_BY_PROJECT, [requireId('projectId', projectId)], pageSize, bookmark),
    );
  }

  @Transaction(false)
  @Returns('string')
  async listSafetyAlertsByStatus(ctx: Context, status: string, pageSize: string, bookmark: string): Promise<string> {
    await authorize(ctx, 'monitoring.read');
    return canonicalJson(
      await pageByIndex<SafetyAlert>(
        ctx,
        SAFETY_BY_STATUS,
        [requireOneOf('status', status, ALERT_STATUSES)],
        pageSize,
        bookmark,
      ),
    );
  }

  /** `list` is deviations or riskScores. */
  @Transaction(false)
  @Returns('string')
  async listByProject(
    ctx: Context,
    projectId: string,
    list: string,
    pageSize: string,
    bookmark: string,
  ): Promise<string> {
    await authorize(ctx, 'monitoring.read');
    const kind = requireOneOf('list', list, ['deviations', 'riskScores'] as const) === 'deviations' ? DEVIATION : RISK;
    return canonicalJson(
      await pageRecords<unknown>(ctx, kind, [requireId('projectId', projectId)], pageSize, bookmark),
    );
  }

  async #readSafetyAlert(ctx: Context, alertId: string): Promise<SafetyAlert> {
    const alert = await getRecord<SafetyAlert>(ctx, SAFETY_ALERT, [requireId('alertId', alertId)]);
    if (!alert) {
      throw refuse('not_found', `safety alert ${alertId} does not exist`, { kind: 'safetyAlert', id: alertId });
    }
    return alert;
  }

  async #move(
    ctx: Context,
    alert: SafetyAlert,
    from: AlertStatus,
    to: AlertStatus,
    caller: Caller,
    extra: Partial<SafetyAlert>,
    type: string,
  ): Promise<string> {
    if (alert.status !== from) {
      throw refuse(
        'illegal_transition',
        `safety alert ${alert.id} is ${alert.status}; it can become ${to} only from ${from}`,
      );
    }
    const now = txTime(ctx);
    const stamp =
      to === 'acknowledged'
        ? { acknowledgedBy: actorOf(caller), acknowledgedAt: now }
        : { resolvedBy: actorOf(caller), resolvedAt: now };
    Object.assign(alert, extra, stamp, { status: to });
    await moveIndex(ctx, SAFETY_BY_STATUS, [from, alert.id], [to, alert.id], recordKey(ctx, SAFETY_ALERT, [alert.id]));
    const state = await putRecord(ctx, SAFETY_ALERT, [alert.id], alert);
    emit(ctx, { type, ids: { alertId: alert.id, projectId: alert.projectId, status: to }, state });
    return state.json;
  }
}
