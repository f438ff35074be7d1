import { HOUSING } from '@luohu/domain';
import crypto from 'node:crypto';
import type { Config } from '../config';
import type { IdentityService } from '../identity/identity-service';
import type { Role } from '../identity/models';
import { ConflictError, NotFoundError } from '../platform/errors';
import type { Logger } from '../platform/logger';

/**
 * Anonymous citizens have no ledger identity, yet receiveComplaint (and rateComplaint) need a clerk's signature.
 * Rather than a shared service key or a person's key, the Housing bureau owns dedicated system users, registered
 * by its admin through the CA like anyone else (so the certificate says role=clerk and a dept that is no handling
 * unit, hence it can never start or answer a complaint). Their password is random and never kept: nobody signs in
 * as them; the gateway signs with their keys only for these steps, and the ledger history names them.
 */
export const INTAKE_USER = 'system.complaint-intake';
export const ESCALATION_USER = 'system.complaint-escalation';

interface SystemUser {
  username: string;
  role: Role;
  dept: string;
  displayName: string;
}
const SYSTEM_USERS: readonly SystemUser[] = [
  { username: INTAKE_USER, role: 'clerk', dept: 'complaint_intake', displayName: '公众投诉受理（系统）' },
  { username: ESCALATION_USER, role: 'clerk', dept: 'complaint_supervision', displayName: '超期投诉督办（系统）' },
];

/**
 * The gateway-operated desks of the complaint line (intake, escalation): registered once, signing with keys the gateway
 * holds.
 */
export class SystemIdentities {
  private ready: Promise<void> | undefined;

  constructor(
    private readonly identities: IdentityService,
    private readonly config: Config,
    private readonly logger: Logger,
  ) {}

  /**
   * Registers the system users once (idempotent across restarts and replicas); retried on the next call after a
   * failure.
   */
  ensure(): Promise<void> {
    this.ready ??= this.registerAll().catch((err) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }

  private async registerAll(): Promise<void> {
    const housing = this.config.connection.orgs.find((o) => o.mspId === HOUSING);
    if (!housing) throw new Error('the network has no HousingMSP: complaints cannot be received');
    for (const user of SYSTEM_USERS) {
      if (await this.exists(user.username)) continue;
      try {
        await this.identities.register(
          { _id: `admin.${housing.name}` },
          { ...user, password: crypto.randomBytes(32).toString('base64url') },
        );
        this.logger.info({ user: user.username }, 'complaint system user registered');
      } catch (err) {
        // Another replica may be registering it at this moment (the CA then refuses a second registration).
        if (err instanceof ConflictError) continue;
        await new Promise((r) => setTimeout(r, 2_000));
        if (!(await this.exists(user.username))) throw err;
      }
    }
  }

  private async exists(username: string): Promise<boolean> {
    try {
      await this.identities.get(username);
      return true;
    } catch (err) {
      if (err instanceof NotFoundError) return false;
      throw err;
    }
  }
}
