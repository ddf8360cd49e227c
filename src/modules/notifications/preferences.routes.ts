import { defineRoute, ok } from '../../http/route';
import { NOTIFICATION_TYPES } from '../../shared/jobs';
import { z } from '../../shared/zod';
import { channelsOf, preferencesOf, updatePreferences, type PreferencesPatch } from './preferences';

const tags = ['notifications'];

/** Per type, the channels it can use: `push` for all, `sms` only for the types that are texted. */
function channelShape(required: boolean) {
  const flag = required ? z.boolean() : z.boolean().optional();
  return Object.fromEntries(
    NOTIFICATION_TYPES.map((type) => {
      const shape = channelsOf(type).includes('sms') ? { push: flag, sms: flag } : { push: flag };
      return [type, required ? z.strictObject(shape) : z.strictObject(shape).optional()];
    }),
  );
}

const PreferencesSchema = z.object({ preferences: z.object(channelShape(true)) }).openapi('NotificationPreferences', {
  description:
    'Per type, whether it goes out by `push` and, for `won` and `payment_due`, by `sms`; the in-app notification is always written. ' +
    '`won` and `payment_due` must keep at least one channel on, and when the chosen channels cannot reach you (SMS off and no ' +
    'registered device, or every device unreachable for good) they are texted to your verified phone anyway: a won auction ' +
    'must be paid within 48 hours. A phone that replied STOP is never texted.',
});
const PreferencesUpdate = z
  .strictObject({ preferences: z.strictObject(channelShape(false)) })
  .openapi('NotificationPreferencesUpdate', { description: 'Only the types and channels to change; the others keep their value.' });

export const preferenceRoutes = [
  defineRoute(
    {
      method: 'get',
      path: '/v1/users/me/notification-preferences',
      summary: 'Which notifications reach you by push and SMS (in-app ones always do)',
      tags,
      responses: { 200: { description: 'Every type and channel', schema: PreferencesSchema } },
    },
    async (deps, { actor }) => ok({ preferences: await preferencesOf(deps.db, actor.userId) }),
  ),
  defineRoute(
    {
      method: 'put',
      path: '/v1/users/me/notification-preferences',
      summary: 'Switch notifications on or off per type and channel',
      tags,
      body: PreferencesUpdate,
      responses: {
        200: { description: 'Every type and channel after the change', schema: PreferencesSchema },
        422: { description: '`won` or `payment_due` switched off on every channel (the field is named)' },
      },
    },
    async (deps, { actor, body }) => ok({ preferences: await updatePreferences(deps.db, actor.userId, body.preferences as PreferencesPatch) }),
  ),
];
