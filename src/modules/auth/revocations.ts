import type { Redis } from '../../shared/redis';

/** Socket.IO room of every socket opened with an access token of one session (refresh family). */
export const sessionRoom = (sid: string) => `session:${sid}`;

/**
 * Revoked sessions, remembered in Redis for one access-token lifetime so every process refuses
 * access tokens of a logged-out session at once instead of letting them live out their 15 minutes.
 */
export class SessionRevocations {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly accessTtlSec: number,
  ) {}

  private key(sid: string): string {
    return `${this.prefix}:revoked-sid:${sid}`;
  }

  async revoke(sid: string): Promise<void> {
    await this.redis.set(this.key(sid), '1', 'EX', Math.max(1, this.accessTtlSec));
  }

  async isRevoked(sid: string): Promise<boolean> {
    return (await this.redis.exists(this.key(sid))) === 1;
  }
}
