import { jobFor, eventFor, parseOutboxRow } from './outbox';

const listingId = '6f1c9f3e-2b7a-4d8e-9c1a-0b2c3d4e5f60';
/** What the relay reads back: the row as stored (JSON), not the object that was written. */
const stored = (m: unknown) => JSON.parse(JSON.stringify(m)) as unknown;

describe('outbox rows against the catalogues', () => {
  it('builds a job with its queue from the catalogue and reads it back parsed', () => {
    const job = jobFor('auction.close', { listingId }, { jobId: 'close-x-1', runAt: 5 });
    expect(job).toEqual({ kind: 'job', queue: 'auctions', name: 'auction.close', data: { listingId }, jobId: 'close-x-1', runAt: 5 });
    expect(parseOutboxRow(stored(job))).toEqual({
      ok: true,
      message: { kind: 'job', name: 'auction.close', data: { listingId }, jobId: 'close-x-1', runAt: 5 },
    });
  });

  it('reads back an event, keeping fields beyond its contract', () => {
    const event = eventFor('outbid', ['user:u1'], { listingId, yourMaxBidCents: 500, currentPriceCents: 600, extra: true });
    expect(parseOutboxRow(stored(event))).toEqual({ ok: true, message: event });
  });

  it('refuses what no retry could fix, saying why', () => {
    expect(parseOutboxRow({ kind: 'job', name: 'auction.close', data: { listingId: 'nope' } })).toEqual({
      ok: false,
      error: expect.stringMatching(/^malformed auction\.close payload: .*listingId/s),
    });
    expect(parseOutboxRow({ kind: 'job', name: 'auction.vanish', data: {} })).toEqual({ ok: false, error: 'unknown job auction.vanish' });
    expect(parseOutboxRow({ kind: 'event', rooms: ['r'], event: 'transaction_update', data: { status: 'paid' } })).toEqual({
      ok: false,
      error: expect.stringMatching(/^malformed transaction_update event: .*transactionId/s),
    });
    expect(parseOutboxRow({ kind: 'event', rooms: ['r'], event: 'telepathy', data: {} })).toEqual({ ok: false, error: 'unknown event telepathy' });
    expect(parseOutboxRow({ kind: 'carrier_pigeon' })).toEqual({ ok: false, error: expect.stringContaining('kind') });
  });
});
