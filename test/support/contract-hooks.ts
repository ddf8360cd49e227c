/**
 * Installed for every integration test file (jest `setupFilesAfterEnv`): every HTTP answer our server
 * gives a test — through supertest (`env.http`, `request(app)`, agents) or fetch (the typed client,
 * `fetch(url)`) — is checked against the OpenAPI document for its route and status, and every Socket.IO
 * event a test client receives against its schema. A mismatch fails the call that got it (supertest and
 * fetch reject with the route, status and Ajv errors) and, in case a test swallowed that, the test
 * itself (afterEach). What was exercised is written for the coverage report (global-teardown.ts).
 *
 * Answers are recognised as ours by the X-Request-Id header every answer of the app carries (src/app.ts),
 * so fetches to the Stripe stand-in or anything else pass untouched.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Socket as ClientSocket } from 'socket.io-client';
import { Test } from 'supertest';
import { checkAnswer, documentedResponses, exercisedResponses } from './contract';
import { checkSocketEvent } from './socket-contract';

const OUR_MARKER = 'x-request-id';
const violations: string[] = [];
let reported = 0;

export class ContractViolation extends Error {
  override name = 'ContractViolation';
}

function record(violation: string | undefined): ContractViolation | undefined {
  if (!violation) return undefined;
  violations.push(violation);
  return new ContractViolation(violation);
}

// ---- supertest ----------------------------------------------------------------------------------

interface SupertestResponse {
  status: number;
  headers: Record<string, string | undefined>;
  body: unknown;
  text?: string;
}
type EndCallback = (err: Error | null, res: SupertestResponse | undefined) => void;
interface PatchableTest {
  method: string;
  url: string;
  end(fn?: EndCallback): unknown;
}

/** A test with its own `.parse(…)` (a streamed CSV) gets raw bytes: a JSON problem among them is still checked. */
function jsonBody(body: unknown, contentType: string | undefined): unknown {
  if (!Buffer.isBuffer(body) || !contentType || !isJson(contentType)) return body;
  const text = body.toString('utf8');
  return text ? (JSON.parse(text) as unknown) : undefined;
}

const testPrototype = Test.prototype as unknown as PatchableTest;
const supertestEnd = testPrototype.end;
testPrototype.end = function end(this: PatchableTest, fn?: EndCallback) {
  return supertestEnd.call(this, (err, res) => {
    const violation = res?.headers?.[OUR_MARKER]
      ? record(
          checkAnswer({
            method: this.method,
            pathname: new URL(this.url, 'http://placeholder').pathname,
            status: res.status,
            body: jsonBody(res.body, res.headers['content-type']),
            contentType: res.headers['content-type'],
          }),
        )
      : undefined;
    // A failed `.expect(…)` says more about what the test wanted; the violation still fails it (afterEach).
    fn?.(err ?? violation ?? null, res);
  });
};

// ---- fetch --------------------------------------------------------------------------------------

const realFetch = globalThis.fetch;
const isJson = (contentType: string | null) => contentType !== null && /^application\/([\w.-]+\+)?json\b/i.test(contentType);

globalThis.fetch = async function contractCheckedFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const response = await realFetch(input, init);
  if (!response.headers.get(OUR_MARKER)) return response;
  const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
  const url = response.url || (input instanceof Request ? input.url : String(input));
  const contentType = response.headers.get('content-type');
  let body: unknown;
  if (isJson(contentType)) {
    const text = await response.clone().text();
    body = text ? JSON.parse(text) : undefined;
  }
  const violation = record(checkAnswer({ method, pathname: new URL(url).pathname, status: response.status, body, contentType: contentType ?? undefined }));
  if (violation) throw violation;
  return response;
};

// ---- Socket.IO (every client in the test process, whoever opened it) -----------------------------

interface PatchableSocket {
  emitEvent(args: unknown[]): void;
}
const socketPrototype = ClientSocket.prototype as unknown as PatchableSocket;
const socketEmitEvent = socketPrototype.emitEvent;
socketPrototype.emitEvent = function emitEvent(this: PatchableSocket, args: unknown[]) {
  const [event, payload] = args;
  // Thrown into socket.io-client's packet handling it would vanish: recorded, it fails the test.
  record(checkSocketEvent(String(event), payload));
  socketEmitEvent.call(this, args);
};

/**
 * Hands back (and forgets) the violations recorded and not yet reported, so a test that provokes one on
 * purpose (the hook's own tests) can assert on it instead of failing.
 */
export function takeViolations(): string[] {
  const fresh = violations.splice(reported);
  return fresh;
}

// ---- failing the test, reporting coverage -------------------------------------------------------

function throwUnreported(): void {
  const fresh = violations.slice(reported);
  reported = violations.length;
  if (fresh.length) throw new ContractViolation(`${fresh.length} answer(s)/event(s) broke the API contract:\n${fresh.join('\n')}`);
}

afterEach(throwUnreported);

afterAll(() => {
  const dir = process.env.TEST_CONTRACT_DIR;
  if (dir) {
    const file = join(dir, `${process.pid}-${randomBytes(4).toString('hex')}.json`);
    const documented = documentedResponses().map((r) => `${r.method} ${r.path} ${r.status}`);
    writeFileSync(file, JSON.stringify({ testFile: expect.getState().testPath, documented, exercised: exercisedResponses(), violations }));
  }
  throwUnreported();
});
