import fs from 'node:fs';
import path from 'node:path';
import type { Settings } from '../settings';
import type { PostgresNode, Topology } from '../topology';

/**
 * Which cluster is the primary, and whether its standby is known to hold every commit the primary acknowledged.
 * Written only by the keeper (and by `up` for a new network), read by `up` to start each cluster in its role: the
 * file is the one place that says which is the primary, so a dead ex-primary never comes back as a second one.
 */
export interface Roles {
  primary: string;
  /**
   * The standby was seen synchronous (every commit waits for it) with everything before caught up: only then may it
   * be promoted without losing an acknowledged write. Cleared before synchronous replication is given up.
   */
  synchronous: boolean;
  /** When the keeper last changed this, in ms since the epoch (for status and logs). */
  changedAt: number;
}

const rolesFile = (s: Settings) => path.join(s.runDir, 'data', 'postgres-roles.json');

export function readRoles(s: Settings, t: Topology): Roles {
  try {
    const roles = JSON.parse(fs.readFileSync(rolesFile(s), 'utf8')) as Roles;
    if (t.postgres.some((p) => p.id === roles.primary)) return roles;
  } catch {
    // none yet: a new network
  }
  return { primary: t.postgres[0].id, synchronous: false, changedAt: 0 };
}

/** Written whole and renamed into place: a reader sees the old roles or the new, never half. */
export function writeRoles(s: Settings, roles: Roles): void {
  const file = rolesFile(s);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(roles));
  fs.renameSync(`${file}.tmp`, file);
}

export function primaryOf(t: Topology, roles: Roles): PostgresNode {
  return t.postgres.find((p) => p.id === roles.primary)!;
}

export function standbyOf(t: Topology, roles: Roles): PostgresNode {
  return t.postgres.find((p) => p.id !== roles.primary)!;
}
