/**
 * The real firebase-admin adapter (FirebasePush) with its HTTP transport pointed at a local server
 * that answers as FCM's HTTP v1 API does: a success, an `UNREGISTERED` token (the app was uninstalled:
 * the device is forgotten) and an `INVALID_ARGUMENT` payload error (our message's fault: the device
 * stays and the job retries).
 */
import { once } from 'node:events';
import https from 'node:https';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { sendNotification } from '../../src/modules/notifications';
import { FirebasePush } from '../../src/providers/push/firebase-push';
import { createTestEnv, createUser, type TestEnv, type TestUser } from '../support/harness';

interface SeenRequest {
  method: string;
  url: string;
  host: string | undefined;
  authorization: string | undefined;
  body: { message: { token: string; notification: { title: string; body: string }; data: Record<string, string> } };
}

/** FCM's answer per token: errors as FCM v1 writes them (status + FcmError detail). */
function fcmAnswer(token: string): { status: number; body: unknown } {
  const error = (code: number, status: string, errorCode: string, message: string) => ({
    status: code,
    body: { error: { code, message, status, details: [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode }] } },
  });
  if (token.startsWith('gone')) return error(404, 'NOT_FOUND', 'UNREGISTERED', 'Requested entity was not found.');
  if (token.startsWith('bad')) return error(400, 'INVALID_ARGUMENT', 'INVALID_ARGUMENT', 'Invalid value at message.data');
  // What FCM answers for a token that is not an FCM registration token at all (an APNs token, a
  // truncated one): the same INVALID_ARGUMENT status, told apart only by its message.
  if (token.startsWith('malformed')) return error(400, 'INVALID_ARGUMENT', 'INVALID_ARGUMENT', 'The registration token is not a valid FCM registration token');
  return { status: 200, body: { name: 'projects/biddt-test/messages/0:1700000000000000%31bd1c9631bd1c96' } };
}

/** Connects every request to the local server, whatever host firebase-admin asked for (fcm.googleapis.com). */
class LocalFcmAgent extends https.Agent {
  constructor(private readonly port: number) {
    super({ keepAlive: false });
  }
  override createConnection(): net.Socket {
    return net.connect(this.port, '127.0.0.1');
  }
}

let env: TestEnv;
let server: Server;
const seen: SeenRequest[] = [];

beforeAll(async () => {
  server = createServer(async (req: IncomingMessage, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const body = JSON.parse(raw) as SeenRequest['body'];
    seen.push({ method: req.method!, url: req.url!, host: req.headers.host, authorization: req.headers.authorization, body });
    const answer = fcmAnswer(body.message.token);
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const push = new FirebasePush(
    { projectId: 'biddt-test' },
    {
      name: `local-${process.pid}`,
      httpAgent: new LocalFcmAgent((server.address() as AddressInfo).port),
      credential: { getAccessToken: async () => ({ access_token: 'fcm-test-access-token', expires_in: 3600 }) },
    },
  );
  env = await createTestEnv({}, { push });
});
afterAll(async () => {
  await env.close();
  server.close();
});

async function userWithDevice(token: string): Promise<TestUser> {
  const user = await createUser(env.deps);
  expect((await env.http.post('/v1/users/me/devices').set(user.auth).send({ token, platform: 'android' })).status).toBe(200);
  return user;
}
const notice = (user: TestUser, dedupeKey: string) => ({
  userId: user.id,
  type: 'outbid' as const,
  dedupeKey,
  text: { key: 'outbid' as const, params: { listingTitle: 'Drone', currentPriceCents: 12_345 } },
  data: { listingId: '6f1c2d7e-0000-4000-8000-000000000001', currentPriceCents: 12_345 },
});
const devicesOf = async (user: TestUser) =>
  (await env.deps.db.selectFrom('devices').select('token').where('userId', '=', user.id).execute()).map((d) => d.token);

describe('FirebasePush through firebase-admin', () => {
  it('sends the FCM v1 request (authorised, to the project) and counts it as delivered', async () => {
    const user = await userWithDevice('ok-token-1234567890');
    expect(await sendNotification(env.deps, notice(user, 'fcm-ok'))).toBe('sent');
    const request = seen.find((r) => r.body.message.token === 'ok-token-1234567890')!;
    expect(request).toMatchObject({
      method: 'POST',
      url: '/v1/projects/biddt-test/messages:send',
      host: 'fcm.googleapis.com',
      authorization: 'Bearer fcm-test-access-token',
    });
    expect(request.body.message).toEqual({
      token: 'ok-token-1234567890',
      notification: { title: 'You have been outbid', body: 'Someone outbid you on "Drone". Current price: $123.45.' },
      data: { type: 'outbid', listingId: '6f1c2d7e-0000-4000-8000-000000000001', currentPriceCents: '12345' },
    });
    const delivered = await env.deps.db.selectFrom('notificationDeliveries').select('deviceToken').execute();
    expect(delivered.map((d) => d.deviceToken)).toContain('ok-token-1234567890');
    expect(await devicesOf(user)).toEqual(['ok-token-1234567890']);
  });

  it('an UNREGISTERED token (messaging/registration-token-not-registered) deletes the device; the notification is done', async () => {
    const user = await userWithDevice('gone-token-1234567890');
    expect(await sendNotification(env.deps, notice(user, 'fcm-gone'))).toBe('sent');
    expect(seen.some((r) => r.body.message.token === 'gone-token-1234567890')).toBe(true);
    expect(await devicesOf(user)).toEqual([]);
  });

  it('a token FCM says is not a valid registration token (INVALID_ARGUMENT) deletes that device; the user\'s other phone gets the push and the notification is done', async () => {
    const user = await userWithDevice('malformed-token-1234567890');
    expect((await env.http.post('/v1/users/me/devices').set(user.auth).send({ token: 'ok-token-malformed-peer', platform: 'ios' })).status).toBe(200);
    expect(await sendNotification(env.deps, notice(user, 'fcm-malformed'))).toBe('sent');
    expect(seen.some((r) => r.body.message.token === 'ok-token-malformed-peer')).toBe(true);
    expect(await devicesOf(user)).toEqual(['ok-token-malformed-peer']);
    const row = await env.deps.db.selectFrom('notifications').select('deliveredAt').where('dedupeKey', '=', 'fcm-malformed').executeTakeFirstOrThrow();
    expect(row.deliveredAt).not.toBeNull();
  });

  it('an INVALID_ARGUMENT payload error (messaging/invalid-argument) keeps the device and fails the job for a retry', async () => {
    const user = await userWithDevice('bad-token-1234567890');
    await expect(sendNotification(env.deps, notice(user, 'fcm-bad'))).rejects.toMatchObject({ code: 'messaging/invalid-argument' });
    expect(await devicesOf(user)).toEqual(['bad-token-1234567890']);
    const row = await env.deps.db.selectFrom('notifications').select('deliveredAt').where('dedupeKey', '=', 'fcm-bad').executeTakeFirstOrThrow();
    expect(row.deliveredAt).toBeNull();
  });
});
