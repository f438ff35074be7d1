import type { DomainDeps } from '../domains';

/** 进度与质量: device alerts (HTTP and MQTT), acknowledgement, resolution, progress deviation, risk scores. */
export function monitoringRoutes(_deps: DomainDeps): void {
  // filled in by the monitoring family
}
