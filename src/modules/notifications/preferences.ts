import { NOTIFICATION_TYPES, type NotificationType } from '../../shared/jobs';
import { unprocessable } from '../../shared/errors';
import type { Db, Trx } from '../../../db/connection';
import { lockPreferencesOf, savedPreferencesOf, savePreferences } from './preferences.repository';
import { isUserSmsOptedOut } from './sms-opt-outs.repository';

/** SPEC §7: these few also go out by SMS because they must not be missed. */
export const SMS_TYPES: ReadonlySet<NotificationType> = new Set(['won', 'payment_due']);

/**
 * SPEC §9: these cannot be silenced on every channel at once (the in-app row alone is not enough
 * for a sale the user must act on). Delivery also texts a verified phone when the chosen channels
 * turn out unable to reach the user (send-notification.ts).
 */
export const MUST_REACH: ReadonlySet<NotificationType> = new Set(['won', 'payment_due']);

export type Channel = 'push' | 'sms';

/** On/off per channel for one type; `sms` exists only for the types that are texted at all. */
export interface ChannelChoices {
  push: boolean;
  sms?: boolean;
}

export type Preferences = Record<NotificationType, ChannelChoices>;

/** A partial update: for some types, some channels. */
export type PreferencesPatch = Partial<Record<NotificationType, Partial<ChannelChoices>>>;

/** The channels a type can go out on besides in-app. */
export function channelsOf(type: NotificationType): Channel[] {
  return SMS_TYPES.has(type) ? ['push', 'sms'] : ['push'];
}

function defaults(): Preferences {
  const prefs = {} as Preferences;
  for (const type of NOTIFICATION_TYPES) prefs[type] = SMS_TYPES.has(type) ? { push: true, sms: true } : { push: true };
  return prefs;
}

/** The user's preferences: every type and channel, the defaults (on) where nothing was saved. */
export async function preferencesOf(db: Db, userId: string): Promise<Preferences> {
  return preferencesFrom(await savedPreferencesOf(db, userId));
}

/** The full preferences from the saved rows (read by the caller, e.g. with the rest of a recipient). */
export function preferencesFrom(saved: ReadonlyArray<{ type: string; channel: string; enabled: boolean }>): Preferences {
  const prefs = defaults();
  for (const row of saved as ReadonlyArray<{ type: string; channel: Channel; enabled: boolean }>) {
    const type = row.type as NotificationType;
    // A saved row for a type or channel that no longer exists is ignored rather than trusted.
    if (prefs[type] && channelsOf(type).includes(row.channel)) prefs[type][row.channel] = row.enabled;
  }
  return prefs;
}

/** Whether the user lets this type go out on this channel. */
export async function allows(db: Db, userId: string, type: NotificationType, channel: Channel): Promise<boolean> {
  const prefs = await preferencesOf(db, userId);
  return prefs[type][channel] ?? false;
}

/**
 * Applies a partial update and returns the result; refuses (422 naming the field) to switch off
 * every channel of a type that must reach the user. A user's saves are serialized (read, check and
 * write under one lock), so concurrent halves of a switch-off cannot both pass the check.
 */
export async function updatePreferences(db: Db, userId: string, patch: PreferencesPatch): Promise<Preferences> {
  return db.transaction().execute(async (trx) => {
    await lockPreferencesOf(trx, userId);
    return applyPreferences(trx, userId, patch);
  });
}

async function applyPreferences(trx: Trx, userId: string, patch: PreferencesPatch): Promise<Preferences> {
  const prefs = await preferencesOf(trx, userId);
  const choices: { type: string; channel: Channel; enabled: boolean }[] = [];
  for (const type of NOTIFICATION_TYPES) {
    const change = patch[type];
    if (!change) continue;
    for (const channel of channelsOf(type)) {
      const enabled = change[channel];
      if (enabled === undefined) continue;
      prefs[type][channel] = enabled;
      choices.push({ type, channel, enabled });
    }
  }
  // A phone that replied STOP gets no text whatever the choice says: push is then the last channel
  // left, checked for the types this save changes (a STOP arrives outside any save).
  const smsBlocked = await isUserSmsOptedOut(trx, userId);
  const changed = new Set(choices.map((c) => c.type));
  const unreachable = (type: NotificationType) =>
    changed.has(type) && channelsOf(type).every((channel) => prefs[type][channel] === false || (channel === 'sms' && smsBlocked));
  const silenced = [...MUST_REACH].filter(
    (type) => channelsOf(type).every((channel) => prefs[type][channel] === false) || unreachable(type),
  );
  if (silenced.length > 0) {
    const message = smsBlocked
      ? 'cannot be switched off on every channel (SMS cannot reach this phone: it replied STOP; text START to opt back in)'
      : 'cannot be switched off on every channel';
    throw unprocessable('notification_cannot_be_silenced', 'These notifications must stay on for at least one channel (push or SMS).', {
      errors: silenced.map((type) => ({ field: `preferences.${type}`, message })),
    });
  }
  await savePreferences(trx, userId, choices);
  return prefs;
}
