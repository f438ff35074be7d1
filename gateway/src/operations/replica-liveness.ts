import crypto from 'node:crypto';
import type mongoose from 'mongoose';
import { Schema } from 'mongoose';

interface BeatRecord {
  _id: string; // the replica's ID
  beat: number;
}

/** How often a replica beats and looks at the others' beats; how long a beat unchanged means its replica is gone. */
export const LIVENESS = { beatMs: 500, deadAfterMs: 2_000 };

/**
 * Which gateway replicas are alive, so that the operations a dead one left pending are settled at once instead of after
 * they have aged. Each replica counts up its own beat in the database; another calls it dead when that count has not
 * moved for `deadAfterMs` by its own clock — no clocks are compared across hosts. A replica that cannot read the beats
 * (its database down) calls nobody dead.
 */
export class ReplicaLiveness {
  readonly id = crypto.randomUUID();
  private readonly Beat: mongoose.Model<BeatRecord>;
  private beat = 0;
  /** Each other replica's last beat and when (this clock) it last moved. */
  private readonly seen = new Map<string, { beat: number; movedAt: number }>();
  private lastLookAt = 0;
  private timer?: NodeJS.Timeout;
  private look?: Promise<void>;

  constructor(
    connection: mongoose.Connection,
    private readonly options = LIVENESS,
    private readonly now: () => number = Date.now,
  ) {
    this.Beat =
      (connection.models.ReplicaBeat as mongoose.Model<BeatRecord>) ??
      connection.model<BeatRecord>(
        'ReplicaBeat',
        new Schema<BeatRecord>({ _id: String, beat: Number }, { collection: 'replicas', versionKey: false }),
      );
  }

  start(): void {
    const tick = () => {
      this.look = this.tick()
        .catch(() => undefined) // the database is down: beats are neither written nor read, nobody is called dead
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, this.options.beatMs);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  /** Stops beating (the others call this replica dead once its work is drained or abandoned). */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.look;
  }

  /** Beats once and reads every replica's beat. */
  async tick(): Promise<void> {
    await this.Beat.updateOne({ _id: this.id }, { $set: { beat: ++this.beat } }, { upsert: true });
    const beats = await this.Beat.find({}).lean();
    const now = this.now();
    this.lastLookAt = now;
    for (const { _id, beat } of beats) {
      if (_id === this.id) continue;
      const known = this.seen.get(_id);
      if (!known || known.beat !== beat) this.seen.set(_id, { beat, movedAt: now });
      // Gone for a minute: its record goes (only if it has not beaten since).
      else if (now - known.movedAt > 60_000) await this.Beat.deleteOne({ _id, beat });
    }
  }

  /**
   * Whether the replica `owner` is surely gone: its beat has not moved for `deadAfterMs` while this one watched. An owner
   * never seen beating is not called dead (it may have just started; or it died long ago, and its operations are settled
   * by their age, as before replicas beat).
   */
  isDead(owner: string | null | undefined): boolean {
    const known = owner && owner !== this.id ? this.seen.get(owner) : undefined;
    if (!known) return false;
    const now = this.now();
    const { deadAfterMs, beatMs } = this.options;
    if (now - this.lastLookAt > beatMs + deadAfterMs) return false; // this replica is blind, not the other dead
    return now - known.movedAt >= deadAfterMs;
  }
}
