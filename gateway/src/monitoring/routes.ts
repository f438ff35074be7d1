import type { DomainDeps, DomainModule } from '../domains';
import type { Enricher, RecordType } from '../projection/read-model';

/** 进度与质量: device alerts (HTTP and MQTT), acknowledgement, resolution, progress deviation, risk scores. */
export function monitoringRoutes(_deps: DomainDeps): DomainModule {
  // filled in by the monitoring family
  return {};
}

/** Query fields this family's record types keep in the read model. */
export const monitoringEnrichers: Partial<Record<RecordType, Enricher>> = {};
