import type { Response } from 'supertest';
import type { ConsoleSms } from '../../src/providers/sms/console-sms';

/** Asserts an RFC 9457 answer: problem+json, `status` matching the HTTP status, and the stable `code`. */
export function expectProblem(res: Response, status: number, code?: string): void {
  expect({ status: res.status, body: res.body }).toMatchObject({ status, body: { status, ...(code ? { code } : {}) } });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toEqual(
    expect.objectContaining({
      type: expect.any(String),
      title: expect.any(String),
      code: expect.stringMatching(/^[a-z][a-z0-9_]*$/),
      detail: expect.any(String),
    }),
  );
}

/** Asserts a 429 problem with a Retry-After (whole seconds) within [min, max]; returns it. */
export function expectRateLimited(res: Response, min: number, max: number): number {
  expectProblem(res, 429, 'rate_limited');
  const retryAfter = Number(res.headers['retry-after']);
  expect(String(retryAfter)).toBe(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(min);
  expect(retryAfter).toBeLessThanOrEqual(max);
  return retryAfter;
}

/** The 6-digit code of the last text sent to `phone`, if any. */
export function lastCodeFor(sms: ConsoleSms, phone: string): string | undefined {
  const message = [...sms.sent].reverse().find((m) => m.to === phone);
  return message?.body.match(/\b(\d{6})\b/)?.[1];
}

/** How many texts `phone` received. */
export const textsTo = (sms: ConsoleSms, phone: string): number => sms.sent.filter((m) => m.to === phone).length;

/** A 6-digit code different from `code`. */
export const otherCode = (code: string): string => String((Number(code) + 1) % 1_000_000).padStart(6, '0');
