import type { DomainDeps, DomainModule } from '../domain-deps';
import { mayReadUpload } from '../access/read-access';
import { operationModel } from '../operations/models';
import { RateLimit } from '../platform/rate-limit';
import type { Enricher, RecordType } from '../projection/read-model';
import { attestationEnricher, auditRoutes } from './audit-routes';
import { documentArchiveRoutes } from './document-routes';
import { FileStore } from './file-store';
import { RecordAudit } from './record-audit';
import { contractorEnricher, registryRoutes } from './registry-routes';
import { uploadRoutes } from './upload-routes';
import { DocumentFacts } from './document-facts';
import { sealKeyFinder } from './seal-keys';
import { sealedDocumentRoutes } from './sealed-document-routes';
import { Sealing } from './sealing';
import { Verification } from './verification';
import { VERIFICATION_RATE_LIMITS, verificationRoutes } from './verification-routes';

/** Largest file accepted (PDF scans of acceptance reports, site photos). */
export const UPLOAD_MAX_BYTES = 20 * 1024 * 1024;

/** 电子档案 and audit: uploads, anchored documents, registry, history of any record. */
export function documentRoutes(deps: DomainDeps): DomainModule {
  const connection = deps.connection;
  const files = new FileStore(connection, UPLOAD_MAX_BYTES);
  // Every family's enrichers (the read model's own), to re-derive a record's query fields when verifying it.
  const enrichers = () => deps.readModel.enrichers;
  const audit = new RecordAudit(deps.ledger, deps.identities, deps.readModel, operationModel(connection), enrichers);
  uploadRoutes(deps.routes, files, deps, (user, file) => mayReadUpload(deps.readModel, user, file));
  registryRoutes(deps);
  documentArchiveRoutes(deps, files, audit);
  const sealing = new Sealing(
    connection,
    deps.ledger,
    deps.identities,
    files,
    new DocumentFacts(deps.ledger, audit),
    deps.config.connection,
    deps.config.publicUrl,
    deps.config.cjkFont,
  );
  sealedDocumentRoutes(deps, sealing);
  const limit = (scope: 'uploads' | 'lookups') =>
    new RateLimit(
      connection,
      `verification-${scope}`,
      deps.config.keyEncryptionKey,
      VERIFICATION_RATE_LIMITS[scope],
      'verifications',
    );
  verificationRoutes(
    deps.routes,
    new Verification(
      deps.ledger,
      deps.identities,
      audit,
      files,
      sealKeyFinder(connection, deps.ledger, deps.identities),
    ),
    sealing,
    UPLOAD_MAX_BYTES,
    { uploads: limit('uploads'), lookups: limit('lookups') },
  );
  auditRoutes(deps, audit);
  return {};
}

/** Query fields this family's record types keep in the read model. */
export const documentsEnrichers: Partial<Record<RecordType, Enricher>> = {
  contractor: contractorEnricher,
  attestation: attestationEnricher,
};
