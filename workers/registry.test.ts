import { UnrecoverableError, type Job } from 'bullmq';
import type { Deps } from '../src/composition';
import { CATALOGUE, JOB_NAMES } from '../src/shared/jobs';
import { handlers } from './handlers';
import { processorFor, type HandlerMap } from './registry';

const fakeJob = (name: string, data: unknown) => ({ name, data, id: 'j1' }) as unknown as Job;

describe('worker registry against the catalogue', () => {
  it('has a handler for every catalogued job, under its queue, and nothing else', () => {
    for (const name of JOB_NAMES) {
      const byName: Record<string, unknown> = handlers[CATALOGUE[name].queue];
      expect(typeof byName[name]).toBe('function');
    }
    const handled = Object.values(handlers).flatMap((byName) => Object.keys(byName));
    expect(handled.sort()).toEqual([...JOB_NAMES].sort());
  });

  describe('processorFor', () => {
    const seen: unknown[] = [];
    const logged: unknown[] = [];
    const deps = { logger: { error: (obj: unknown) => logged.push(obj) } } as unknown as Deps;
    const probe: HandlerMap = {
      ...handlers,
      disputes: { ...handlers.disputes, 'dispute.escalate': async (_deps, payload) => seen.push(payload) },
    };
    const process = processorFor(deps, 'disputes', probe);
    beforeEach(() => {
      seen.length = 0;
      logged.length = 0;
    });

    it('hands the handler the parsed payload (unknown keys stripped)', async () => {
      const transactionId = '6f1c9f3e-2b7a-4d8e-9c1a-0b2c3d4e5f60';
      await process(fakeJob('dispute.escalate', { transactionId, extra: 1 }));
      expect(seen).toEqual([{ transactionId }]);
    });

    it('fails a malformed payload as unrecoverable, logging the zod issues, without calling the handler', async () => {
      const failure = process(fakeJob('dispute.escalate', { transactionId: 42 }));
      await expect(failure).rejects.toBeInstanceOf(UnrecoverableError);
      await expect(failure).rejects.toThrow(/malformed dispute\.escalate payload: transactionId/);
      expect(seen).toEqual([]);
      expect(logged).toEqual([expect.objectContaining({ queue: 'disputes', job: 'dispute.escalate', issues: [expect.objectContaining({ path: ['transactionId'] })] })]);
    });

    it('refuses a job name of another queue or none at all', async () => {
      await expect(process(fakeJob('escrow.release', {}))).rejects.toBeInstanceOf(UnrecoverableError);
      await expect(process(fakeJob('dispute.nope', {}))).rejects.toThrow('no handler for disputes/dispute.nope');
    });
  });
});
