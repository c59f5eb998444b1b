import { Inject, Injectable } from '@nestjs/common';
import { identity as contracts } from '@linli/contracts';
import { SessionsRepository } from '@linli/identity-data-access';
import { enqueueEvent } from '@linli/nest-kit';
import type { Tx } from './accounts.service.js';
import { IDENTITY_OPTIONS, type IdentityOptions } from './identity.options.js';

export type RevocationReason = contracts.SessionRevokedReason;

/**
 * Ends sessions: marks them revoked (their refresh tokens stop working) and, in the same transaction,
 * publishes `identity.session.revoked.v1` for each one newly revoked, so gateways refuse its access
 * tokens at once instead of when they expire. An access token lives at most the configured TTL after
 * issue, so none of a session's tokens outlives `revokedAt + TTL`.
 */
@Injectable()
export class SessionRevocations {
  private readonly sessions = new SessionsRepository();

  constructor(@Inject(IDENTITY_OPTIONS) private readonly options: IdentityOptions) {}

  /** Revokes the sessions matching `where` that are still open; returns how many were revoked now. */
  async revoke(tx: Tx, where: { id: string } | { userId: string }, reason: RevocationReason): Promise<number> {
    const revokedAt = new Date();
    const revoked = await this.sessions.revokeOpen(tx, where, revokedAt);
    await this.announce(tx, revoked, reason, revokedAt);
    return revoked.length;
  }

  /** Publishes the revocation of sessions that end another way (erasure deletes them). */
  async announce(tx: Tx, sessions: readonly { id: string; userId: string }[], reason: RevocationReason, revokedAt = new Date()): Promise<void> {
    const accessTokenExpiresAt = new Date(revokedAt.getTime() + this.options.accessTokenTtlSeconds * 1000).toISOString();
    for (const session of sessions) {
      await enqueueEvent(tx, contracts.sessionRevoked, {
        sessionId: session.id,
        userId: session.userId,
        reason,
        revokedAt: revokedAt.toISOString(),
        accessTokenExpiresAt,
      });
    }
  }
}
