import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CATALOGUE, DEFAULT_JOB_OPTIONS, JOB_NAMES, JOBS, jobOptions, parsePayload, QUEUE_NAMES, SCHEDULES } from './catalogue';

describe('job catalogue', () => {
  it('gives every job a queue, a payload schema and a one-line doc comment', () => {
    const source = readFileSync(join(__dirname, 'catalogue.ts'), 'utf8');
    for (const name of JOB_NAMES) {
      expect(QUEUE_NAMES).toContain(CATALOGUE[name].queue);
      expect(typeof CATALOGUE[name].schema.safeParse).toBe('function');
      expect(source).toMatch(new RegExp(`/\\*\\* [^\\n]+ \\*/\\n  '${name.replace('.', '\\.')}':`));
    }
  });

  it('groups job names by queue, each name in exactly one queue', () => {
    const listed = Object.values(JOBS).flat();
    expect([...listed].sort()).toEqual([...JOB_NAMES].sort());
    expect(JOBS.escrow).toContain('escrow.release');
    expect(JOBS.bids).toEqual(['bid.drain', 'bid.sweep']);
  });

  it('keeps the default retry policy and the faster one of bid.drain', () => {
    expect(jobOptions('auction.close')).toEqual(DEFAULT_JOB_OPTIONS);
    expect(jobOptions('bid.drain', { jobId: 'r1' })).toEqual({
      ...DEFAULT_JOB_OPTIONS,
      attempts: 20,
      backoff: { type: 'exponential', delay: 100 },
      jobId: 'r1',
    });
  });

  it('lists the repeating sweeps with their scheduler ids and periods', () => {
    expect(SCHEDULES).toEqual([
      { name: 'bid.sweep', queue: 'bids', schedulerId: 'bid-sweep', ms: 5000 },
      { name: 'auction.sweep', queue: 'auctions', schedulerId: 'auction-sweep', ms: 5000 },
      { name: 'maintenance.cleanup', queue: 'maintenance', schedulerId: 'maintenance-cleanup', ms: 3_600_000 },
      { name: 'maintenance.purge_accounts', queue: 'maintenance', schedulerId: 'account-purge', ms: 3_600_000 },
      { name: 'dispute.sweep', queue: 'disputes', schedulerId: 'dispute-sweep', ms: 60_000 },
      { name: 'escrow.sweep', queue: 'escrow', schedulerId: 'escrow-sweep', ms: 15_000 },
    ]);
  });

  it('parses a valid payload and names the fields of a malformed one', () => {
    const transactionId = '6f1c9f3e-2b7a-4d8e-9c1a-0b2c3d4e5f60';
    expect(parsePayload('escrow.release', { transactionId, reason: 'qr_verified' })).toEqual({ success: true, data: { transactionId, reason: 'qr_verified' } });
    const bad = parsePayload('escrow.refund', { transactionId: 'nope', amountCents: -5 });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['amountCents', 'disputeId', 'transactionId']);
    // A scheduler's job may carry no data at all; the sweeps take none.
    expect(parsePayload('escrow.sweep', undefined)).toEqual({ success: true, data: {} });
  });
});
