import { z } from 'zod';
import type { DomainDeps, DomainModule } from '../domain-deps';
import { anchoredRoute, sendOutcome } from '../operations/anchored-route';
import * as monitoring from './use-cases';
import { signatureRequest } from '../operations/routes';
import type { Enricher, RecordType } from '../projection/read-model';
import { given, pageBy } from '../shared/read-queries';
import { day, ledgerId, page } from '../shared/schemas';
import { ALERT_STATUSES, safetyAlert } from './alert-schema';
import { DeviceAlerts } from './device-alerts';
import { DeviceAuthenticator } from './device-authentication';
import { MqttAlertSubscriber, mqttSettings } from './mqtt-alerts';
import { assessRisk, riskInputs } from './risk-model';
import { recordFrom, sourceQuery } from '../shared/record-source';
import {
  listPage,
  progressDeviation,
  riskAssessment,
  riskScore,
  safetyAlert as safetyAlertRecord,
  written,
} from '../shared/record-schemas';

/** Headers a device sends with a signed alert over HTTP. */
export const DEVICE_HEADERS = {
  id: 'X-Device-Id',
  certificate: 'X-Device-Certificate',
  signature: 'X-Device-Signature',
} as const;

const alertPath = z.strictObject({ id: ledgerId });
const projectPath = z.strictObject({ id: ledgerId });

/** 进度与质量 over HTTP (and the MQTT listener): device alerts (HTTP and MQTT), acknowledgement, resolution, progress deviation, risk scores. */
export function monitoringRoutes({
  routes,
  writes,
  signed,
  readModel,
  ledger,
  identities,
  config,
  logger,
  connection,
}: DomainDeps): DomainModule {
  const alerts = new DeviceAlerts(new DeviceAuthenticator(connection), signed);

  routes.add(
    {
      method: 'post',
      path: '/alerts',
      tag: 'monitoring',
      access: 'public',
      status: 202,
      response: signatureRequest,
      summary:
        `A safety alert from an edge device, which signs everything itself (no session; the gateway holds no device key). ${DEVICE_HEADERS.signature} = ` +
        `base64 ECDSA P-256/SHA-256 signature (DER or r‖s) over the body as canonical JSON (keys sorted, no whitespace); ${DEVICE_HEADERS.id} = the device's ` +
        `username and/or ${DEVICE_HEADERS.certificate} = its current certificate (base64 of PEM or DER). Answers 202 with the proposal to sign: ` +
        "POST its signature to /transactions/{transactionId}/proposal-signature, then the transaction's to …/transaction-signature, which answers " +
        'with the receipt. An alert already on the ledger answers 201 with its first receipt (Idempotent-Replayed). 401 when the signature, device or ' +
        'certificate does not check out; 403 for a revoked or non-device user.',
      body: safetyAlert,
    },
    async ({ body, req, res }) => {
      const step = await alerts.raise(
        {
          deviceId: req.header(DEVICE_HEADERS.id),
          certificate: req.header(DEVICE_HEADERS.certificate),
          signature: req.header(DEVICE_HEADERS.signature),
        },
        body,
      );
      if ('done' in step) {
        sendOutcome(req, res, step.done);
        return undefined;
      }
      res
        .status(202)
        .setHeader('Location', `${req.baseUrl}/transactions/${step.sign.transactionId}/proposal-signature`);
      return step.sign;
    },
  );

  anchoredRoute(
    routes,
    writes,
    {
      method: 'post',
      path: '/alerts/:id/acknowledgement',
      tag: 'monitoring',
      response: written(safetyAlertRecord),
      summary: 'Acknowledge an open alert (open → acknowledged)',
      params: alertPath,
    },
    monitoring.acknowledgeAlert,
    ({ params }) => params,
  );

  anchoredRoute(
    routes,
    writes,
    {
      method: 'post',
      path: '/alerts/:id/resolution',
      tag: 'monitoring',
      response: written(safetyAlertRecord),
      summary: 'Resolve an acknowledged alert with what was done on site (acknowledged → resolved)',
      params: alertPath,
      body: z.strictObject({ resolution: z.string().trim().min(2).max(2000) }),
    },
    monitoring.resolveAlert,
    ({ params, body }) => ({ ...params, ...body }),
  );

  routes.add(
    {
      method: 'get',
      path: '/alerts',
      response: listPage(safetyAlertRecord),
      tag: 'monitoring',
      access: 'user',
      summary: 'Safety alerts from the read model, by project and/or status',
      query: page.extend({ projectId: ledgerId.optional(), status: z.enum(ALERT_STATUSES).optional() }),
    },
    async ({ query, user }) =>
      pageBy(
        readModel.model('safetyAlert'),
        given({ projectId: query.projectId, status: query.status }),
        query.limit,
        query.after,
        user,
      ),
  );

  routes.add(
    {
      method: 'get',
      path: '/alerts/:id',
      response: safetyAlertRecord,
      tag: 'monitoring',
      access: 'user',
      params: alertPath,
      query: sourceQuery,
      summary: 'A safety alert from the read model; ?source=ledger reads it from the ledger instead (as the caller)',
    },
    async ({ params, query, user }) =>
      recordFrom(
        { ledger, identities, readModel },
        query.source,
        user!,
        { namespace: 'monitoring', fn: 'readSafetyAlert', args: [params.id] },
        { type: 'safetyAlert', id: params.id, what: 'safety alert' },
      ),
  );

  anchoredRoute(
    routes,
    writes,
    {
      method: 'post',
      path: '/projects/:id/deviations',
      tag: 'monitoring',
      response: written(progressDeviation),
      summary:
        'Record planned vs actual progress (%) as of a day; the ledger computes the deviation (actual − planned) and its severity',
      params: projectPath,
      body: z.strictObject({
        id: ledgerId,
        asOf: day,
        plannedPercent: z.number().min(0).max(100),
        actualPercent: z.number().min(0).max(100),
        contractId: ledgerId.optional(),
      }),
    },
    monitoring.recordProgressDeviation,
    ({ params, body }) => ({ ...body, projectId: params.id }),
  );

  routes.add(
    {
      method: 'get',
      path: '/projects/:id/deviations',
      response: listPage(progressDeviation),
      tag: 'monitoring',
      access: 'user',
      params: projectPath,
      query: page,
      summary: 'Progress deviations of a project, from the read model',
    },
    async ({ params, query, user }) =>
      pageBy(readModel.model('progressDeviation'), { projectId: params.id }, query.limit, query.after, user),
  );

  routes.add(
    {
      method: 'post',
      path: '/risk-model/assessment',
      response: riskAssessment,
      tag: 'monitoring',
      access: 'user',
      status: 200,
      summary: 'Compute a risk score with the current model without recording it (what-if)',
      body: riskInputs,
    },
    async ({ body }) => assessRisk(body),
  );

  anchoredRoute(
    routes,
    writes,
    {
      method: 'post',
      path: '/projects/:id/risk-scores',
      tag: 'monitoring',
      response: written(riskScore),
      summary:
        "Score a project's risk from weather, schedule slip and staffing with the gateway's risk model; the score goes to the ledger with its inputs and model version",
      params: projectPath,
      body: riskInputs.extend({ id: ledgerId }),
    },
    monitoring.recordRiskScore,
    ({ params, body: { id, ...inputs } }) => ({ id, projectId: params.id, inputs }),
  );

  routes.add(
    {
      method: 'get',
      path: '/projects/:id/risk-scores',
      response: listPage(riskScore),
      tag: 'monitoring',
      access: 'user',
      params: projectPath,
      query: page,
      summary: 'Risk scores of a project (score, inputs, model version), from the read model',
    },
    async ({ params, query, user }) =>
      pageBy(readModel.model('riskScore'), { projectId: params.id }, query.limit, query.after, user),
  );

  const mqtt = new MqttAlertSubscriber(mqttSettings(config), alerts, signed, logger);
  return { start: () => mqtt.start(), stop: () => mqtt.stop() };
}

/** Query fields this family's record types keep in the read model: none beyond the ledger records' own fields. */
export const monitoringEnrichers: Partial<Record<RecordType, Enricher>> = {};
