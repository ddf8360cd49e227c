import { SmsProviderUnavailable, SmsRecipientInvalid, SmsRecipientOptedOut } from './sms';
import { TwilioSms, type TwilioHttpClient } from './twilio-sms';

interface Recorded {
  method: string;
  uri: string;
  data: Record<string, string>;
}

/** Twilio's own `httpClient` hook: records each request and answers with the next queued status. */
function recordingClient(statuses: number[]) {
  const requests: Recorded[] = [];
  const httpClient = {
    async request(opts: { method: string; uri: string; data?: Record<string, unknown> }) {
      const data = (opts.data ?? {}) as Record<string, string>;
      requests.push({ method: opts.method, uri: opts.uri, data });
      const statusCode = statuses.shift() ?? 201;
      const body =
        statusCode < 300
          ? { sid: 'SM00000000000000000000000000000001', status: 'queued', to: data.To, from: data.From, body: data.Body }
          : { code: statusCode === 400 ? 21211 : 20500, message: statusCode === 400 ? "Invalid 'To' Phone Number" : 'Internal Server Error', status: statusCode };
      return { statusCode, body, headers: {} as Record<string, string> };
    },
  };
  return { requests, httpClient };
}

const ACCOUNT = 'AC00000000000000000000000000000000';
const build = (httpClient: TwilioHttpClient, statusCallbackUrl?: string) =>
  new TwilioSms({
    accountSid: ACCOUNT,
    authToken: 'token',
    fromNumber: '+15145550000',
    statusCallbackUrl,
    httpClient,
    retryDelaysMs: [1, 2, 4],
  });

describe('TwilioSms through the real SDK', () => {
  it('turns error 21610 (the recipient replied STOP to our number) into SmsRecipientOptedOut, without retrying', async () => {
    let calls = 0;
    const httpClient = {
      async request() {
        calls += 1;
        return { statusCode: 400, body: { code: 21610, message: 'Attempt to send to unsubscribed recipient', status: 400 }, headers: {} as Record<string, string> };
      },
    };
    await expect(build(httpClient).send('+15145550123', 'hi')).rejects.toBeInstanceOf(SmsRecipientOptedOut);
    expect(calls).toBe(1);
  });

  it('POSTs To, From, Body and the StatusCallback to the account Messages resource', async () => {
    const { requests, httpClient } = recordingClient([201]);
    await build(httpClient, 'https://api.biddt.ca/v1/webhooks/twilio/status').send('+15145550123', 'Your Biddt code is 123456.');
    expect(requests).toHaveLength(1);
    expect(requests[0].method.toLowerCase()).toBe('post');
    expect(requests[0].uri).toBe(`https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT}/Messages.json`);
    expect(requests[0].data).toEqual({
      To: '+15145550123',
      From: '+15145550000',
      Body: 'Your Biddt code is 123456.',
      StatusCallback: 'https://api.biddt.ca/v1/webhooks/twilio/status',
    });
  });

  it('sends no StatusCallback when none is configured', async () => {
    const { requests, httpClient } = recordingClient([201]);
    await build(httpClient).send('+15145550123', 'hi');
    expect(requests[0].data).not.toHaveProperty('StatusCallback');
  });

  it('retries a 5xx from Twilio and succeeds when Twilio recovers', async () => {
    const { requests, httpClient } = recordingClient([500, 503, 201]);
    await build(httpClient).send('+15145550123', 'hi');
    expect(requests).toHaveLength(3);
  });

  it('gives up after a bounded number of retries of a 5xx, as SmsProviderUnavailable (the SDK error as its cause)', async () => {
    const { requests, httpClient } = recordingClient([500, 500, 500, 500, 500, 500]);
    const sent = build(httpClient).send('+15145550123', 'hi');
    await expect(sent).rejects.toBeInstanceOf(SmsProviderUnavailable);
    await expect(sent).rejects.toMatchObject({ status: 500, cause: { status: 500, code: 20500 } });
    expect(requests).toHaveLength(4); // the first try and three retries
  });

  it('does not retry a 4xx (a bad number stays bad): 21211 is SmsRecipientInvalid, the SDK error as its cause', async () => {
    const { requests, httpClient } = recordingClient([400, 201]);
    const sent = build(httpClient).send('+15145550123', 'hi');
    await expect(sent).rejects.toBeInstanceOf(SmsRecipientInvalid);
    await expect(sent).rejects.toMatchObject({ phoneNumber: '+15145550123', cause: { status: 400, code: 21211 } });
    expect(requests).toHaveLength(1);
  });

  it('throws any other 4xx as the SDK error, without retrying', async () => {
    let calls = 0;
    const httpClient = {
      async request() {
        calls += 1;
        return { statusCode: 401, body: { code: 20003, message: 'Authenticate', status: 401 }, headers: {} as Record<string, string> };
      },
    };
    await expect(build(httpClient).send('+15145550123', 'hi')).rejects.toMatchObject({ status: 401, code: 20003 });
    expect(calls).toBe(1);
  });
});
