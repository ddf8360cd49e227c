import type { Db } from '../../db/connection';
import type { Config } from '../config/config';
import type { IdentityVerifier } from '../providers/identity/firebase-identity';
import type { Payments } from '../providers/payments/payments';
import type { PushSender } from '../providers/push/push';
import type { SmsSender } from '../providers/sms/sms';
import type { ObjectStorage } from '../providers/storage/storage';
import type { Clock } from './clock';
import type { Logger } from './logger';
import type { Queues } from './jobs/queues';
import type { RateLimits } from './rate-limits';
import type { Redis } from './redis';

/**
 * The infrastructure every process builds once (src/composition.ts). A module never imports the
 * composition root: it states the slice it uses, e.g. `Pick<Platform, 'db' | 'queues'>`, plus any
 * service of its own, and the composition root's `Deps` satisfies that by its shape.
 */
export interface Platform {
  config: Config;
  logger: Logger;
  clock: Clock;
  db: Db;
  redis: Redis;
  queues: Queues;
  rateLimits: RateLimits;
  sms: SmsSender;
  push: PushSender;
  payments: Payments;
  identity: IdentityVerifier | undefined;
  storage: ObjectStorage;
}
