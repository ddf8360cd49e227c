import type { OutboxJob } from '../../shared/outbox';

export type NotificationType =
  | 'outbid'
  | 'won'
  | 'lost'
  | 'sold'
  | 'unsold'
  | 'ending_soon'
  | 'payment_due'
  | 'payment_received'
  | 'escrow_released'
  | 'dispute_opened'
  | 'dispute_resolved'
  | 'new_message';

export interface NotificationInput {
  userId: string;
  type: NotificationType;
  /** Makes delivery exactly-once per logical notification, whatever the job retries do. */
  dedupeKey: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
}

/** SPEC §7: these few also go out by SMS because they must not be missed. */
export const SMS_TYPES: ReadonlySet<NotificationType> = new Set(['won', 'payment_due']);

/** Outbox message that delivers a notification (in-app row + socket + push/SMS) after commit. */
export function notificationJob(n: NotificationInput): OutboxJob {
  return { kind: 'job', queue: 'notifications', name: 'notification.send', data: { ...n }, jobId: `notify-${n.dedupeKey}` };
}
