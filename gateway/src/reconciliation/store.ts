import crypto from 'node:crypto';
import mongoose, { Schema } from 'mongoose';

export const FINDING_KINDS = ['changed-field', 'changed-file', 'missing-anchor', 'missing-record'] as const;
/** The kinds of difference a reconciliation finds between the ledger, the read model and the files. */
export type FindingKind = (typeof FINDING_KINDS)[number];

/**
 * What a finding is about: a read-model record (`record`, by type and ledger key) or a stored file (`file`, by digest).
 */
export interface Subject {
  type: 'record' | 'file';
  recordType?: string;
  key: string[];
}
/** A finding's subject as one string: `file/<sha256>` or `<record type>/<key…>`. */
export const subjectRef = (s: Subject) =>
  s.type === 'file' ? `file/${s.key[0]}` : `${s.recordType}/${s.key.join('/')}`;

/** A difference found between the ledger and the read model or the file store, open until a run sees it gone. */
export interface Finding {
  _id: string; // hash of kind + subject: the same difference seen again is the same finding
  kind: FindingKind;
  subject: Subject;
  ref: string;
  details: Record<string, unknown>;
  status: 'open' | 'resolved';
  firstSeenAt: Date;
  firstSeenRun: string;
  lastSeenAt: Date;
  lastSeenRun: string;
  resolvedAt: Date | null;
  resolvedRun: string | null;
}

/** How far a run has got. */
export interface Progress {
  recordsChecked: number;
  filesChecked: number;
  /** Differences seen by this run, new or still open from an earlier one. */
  differences: number;
  /** Records the projector had not caught up with (compared with the version they hold, not counted as differences). */
  lagging: number;
  newFindings: number;
  resolvedFindings: number;
  /** The record kind, or "files", being checked now; null once the run ended. */
  checking: string | null;
}

/** A reconciliation run: when, by whom, its progress and outcome. */
export interface Run {
  _id: string;
  trigger: 'schedule' | 'request';
  requestedBy: string | null;
  /** The gateway process that ran it (its lease holder). */
  replica: string;
  status: 'running' | 'completed' | 'failed';
  startedAt: Date;
  finishedAt: Date | null;
  progress: Progress;
  error: string | null;
}

/** A run's progress before it has checked anything. */
export const emptyProgress = (): Progress => ({
  recordsChecked: 0,
  filesChecked: 0,
  differences: 0,
  lagging: 0,
  newFindings: 0,
  resolvedFindings: 0,
  checking: null,
});

const findingId = (kind: FindingKind, ref: string) =>
  crypto.createHash('sha256').update(`${kind}\n${ref}`).digest('hex').slice(0, 40);

/** Runs and findings (collections `reconciliation_runs`, `reconciliation_findings`). */
export class ReconciliationStore {
  readonly runs: mongoose.Model<Run>;
  readonly findings: mongoose.Model<Finding>;

  constructor(connection: mongoose.Connection) {
    this.runs =
      (connection.models.ReconciliationRun as mongoose.Model<Run>) ??
      connection.model<Run>(
        'ReconciliationRun',
        new Schema<Run>(
          {
            _id: String,
            trigger: String,
            requestedBy: String,
            replica: String,
            status: String,
            startedAt: Date,
            finishedAt: Date,
            progress: Schema.Types.Mixed,
            error: String,
          },
          { collection: 'reconciliation_runs', versionKey: false },
        ),
      );
    this.findings =
      (connection.models.ReconciliationFinding as mongoose.Model<Finding>) ??
      connection.model<Finding>(
        'ReconciliationFinding',
        new Schema<Finding>(
          {
            _id: String,
            kind: String,
            subject: Schema.Types.Mixed,
            ref: String,
            details: Schema.Types.Mixed,
            status: String,
            firstSeenAt: Date,
            firstSeenRun: String,
            lastSeenAt: Date,
            lastSeenRun: String,
            resolvedAt: Date,
            resolvedRun: String,
          },
          { collection: 'reconciliation_findings', versionKey: false, minimize: false },
        ),
      );
  }

  async startRun(trigger: Run['trigger'], requestedBy: string | null, replica: string): Promise<Run> {
    const run: Run = {
      _id: crypto.randomUUID(),
      trigger,
      requestedBy,
      replica,
      status: 'running',
      startedAt: new Date(),
      finishedAt: null,
      progress: emptyProgress(),
      error: null,
    };
    await this.runs.create(run);
    return run;
  }

  async saveProgress(runId: string, progress: Progress): Promise<void> {
    await this.runs.updateOne({ _id: runId }, { $set: { progress } });
  }

  async finishRun(runId: string, progress: Progress, error: string | null): Promise<void> {
    await this.runs.updateOne(
      { _id: runId },
      { $set: { progress, status: error ? 'failed' : 'completed', finishedAt: new Date(), error } },
    );
  }

  getRun(runId: string): Promise<Run | null> {
    return this.runs.findById(runId).lean<Run>();
  }

  /** The latest runs, newest first (one an hour by default: a small collection). */
  latestRuns(limit: number): Promise<Run[]> {
    return this.runs.find({}).sort({ startedAt: -1 }).limit(limit).lean<Run[]>();
  }

  latestRun(): Promise<Run | null> {
    return this.runs.findOne({}).sort({ startedAt: -1 }).lean<Run>();
  }

  /**
   * Records a difference seen by a run. Returns the finding when it is news — never seen, or seen before and
   * resolved since — so the caller pushes it live; a difference still open from an earlier run is only refreshed.
   */
  async sighted(
    runId: string,
    kind: FindingKind,
    subject: Subject,
    details: Record<string, unknown>,
  ): Promise<Finding | null> {
    const ref = subjectRef(subject);
    const _id = findingId(kind, ref);
    const now = new Date();
    const refreshed = await this.findings
      .findOneAndUpdate(
        { _id, status: 'open' },
        { $set: { details, lastSeenAt: now, lastSeenRun: runId } },
        { returnDocument: 'after' },
      )
      .lean<Finding>();
    if (refreshed) return null;
    const fresh: Finding = {
      _id,
      kind,
      subject,
      ref,
      details,
      status: 'open',
      firstSeenAt: now,
      firstSeenRun: runId,
      lastSeenAt: now,
      lastSeenRun: runId,
      resolvedAt: null,
      resolvedRun: null,
    };
    // Never seen, or resolved earlier: (re)opened as new. Runs never overlap (a lease), so nothing races this write.
    await this.findings.replaceOne({ _id }, fresh, { upsert: true });
    return fresh;
  }

  /** After a complete run: every open finding that run did not see again has been repaired. */
  async resolveUnseen(runId: string): Promise<number> {
    const result = await this.findings.updateMany(
      { status: 'open', lastSeenRun: { $ne: runId } },
      { $set: { status: 'resolved', resolvedAt: new Date(), resolvedRun: runId } },
    );
    return result.modifiedCount;
  }

  /** Keyset paging by _id; findings are few (differences), so the status filter reads a small collection. */
  async list(
    filter: { status?: Finding['status']; kind?: FindingKind },
    limit: number,
    after?: string,
  ): Promise<{ items: Finding[]; next: string | null }> {
    const query: Record<string, unknown> = { ...filter, ...(after ? { _id: { $gt: after } } : {}) };
    const docs = await this.findings
      .find(query)
      .sort({ _id: 1 })
      .limit(limit + 1)
      .lean<Finding[]>();
    const items = docs.slice(0, limit);
    return { items, next: docs.length > limit ? items[items.length - 1]._id : null };
  }
}
