import { defineRoute, noContent, ok } from '../../http/route';
import { registerDevice } from '../../flows/device-registration';
import { notFound } from '../../shared/errors';
import { z } from '../../shared/zod';
import { deleteUserDevice } from './devices.repository';

const tags = ['users'];
const RegisterDevice = z.strictObject({ token: z.string().min(10).max(4096), platform: z.enum(['ios', 'android', 'web']) }).openapi('RegisterDevice');
const Device = z.object({ token: z.string(), platform: z.enum(['ios', 'android', 'web']), createdAt: z.iso.datetime() }).openapi('Device');

export const deviceRoutes = [
  defineRoute(
    {
      method: 'post',
      path: '/v1/users/me/devices',
      summary: 'Register this device for push notifications',
      tags,
      body: RegisterDevice,
      responses: { 200: { description: 'Registered (a token moves to the account that registers it last; signing out of this session unregisters it)', schema: Device } },
    },
    async (deps, { actor, body }) => {
      const device = await registerDevice(deps, actor, body);
      return ok({ token: device.token, platform: device.platform, createdAt: device.createdAt.toISOString() });
    },
  ),
  defineRoute(
    {
      method: 'delete',
      path: '/v1/users/me/devices/:token',
      summary: 'Stop push notifications to a device',
      tags,
      params: z.object({ token: z.string().min(10).max(4096) }),
      responses: { 204: { description: 'Removed' } },
    },
    async (deps, { actor, params }) => {
      if (!(await deleteUserDevice(deps.db, actor.userId, params.token))) throw notFound('device');
      return noContent();
    },
  ),
];
