import http from 'node:http';
import https from 'node:https';

export type PostOutcome = { status: number } | { error: string };

/**
 * One webhook POST. A fresh connection per attempt (`agent: false`) so no keep-alive socket
 * outlives the stand-in. Resolves — never rejects — with the status or the network error.
 */
export function postWebhook(
  url: string,
  payload: string,
  signature: string,
  timeoutMs: number,
  track: (req: http.ClientRequest) => () => void,
): Promise<PostOutcome> {
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      resolve({ error: `invalid webhook URL: ${url}` });
      return;
    }
    const transport = target.protocol === 'https:' ? https : http;
    const req = transport.request(target, {
      method: 'POST',
      agent: false,
      headers: {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': Buffer.byteLength(payload),
        'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        'Cache-Control': 'no-cache',
        Accept: '*/*; q=0.5, application/xml',
        'Stripe-Signature': signature,
      },
    });
    const untrack = track(req);
    let done = false;
    const finish = (outcome: PostOutcome): void => {
      if (done) return;
      done = true;
      untrack();
      resolve(outcome);
    };
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => finish({ status: res.statusCode ?? 0 }));
      res.on('error', (err) => finish({ error: err.message }));
    });
    req.on('error', (err) => finish({ error: err.message }));
    req.end(payload);
  });
}
