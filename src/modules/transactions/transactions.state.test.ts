import { TRANSITIONS, assertTransition, canTransition } from './transactions.state';

describe('transaction state machine (SPEC §3)', () => {
  it('moves forward only', () => {
    expect(canTransition('pending_payment', 'in_escrow')).toBe(true);
    expect(canTransition('in_escrow', 'pending_payment')).toBe(false);
    expect(canTransition('released', 'in_escrow')).toBe(false);
    expect(canTransition('released', 'disputed')).toBe(true);
    expect(canTransition('disputed', 'partially_refunded')).toBe(true);
    expect(canTransition('pending_payment', 'released')).toBe(false);
  });

  it('has terminal states with no way out', () => {
    for (const terminal of ['cancelled', 'refunded', 'partially_refunded'] as const) expect(TRANSITIONS[terminal]).toEqual([]);
  });

  it('refuses an illegal move with a 409 problem', () => {
    expect(() => assertTransition('cancelled', 'in_escrow')).toThrow(expect.objectContaining({ kind: 'conflict', code: 'invalid_transaction_state' }));
  });
});
