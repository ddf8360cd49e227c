import { renderText } from './render';

// The buyer of an extra payment's refund reads it in their language, with the amount formatted there.
describe('extra_payment_refunded text', () => {
  it('renders in English and French with the refunded amount', () => {
    const text = { key: 'extra_payment_refunded' as const, params: { amountCents: 6_000 } };
    const en = renderText('en', text);
    const fr = renderText('fr', text);
    expect(en.title).toBe('Extra payment refunded');
    expect(en.body).toContain('$60.00');
    expect(fr.title).toBe('Paiement en trop remboursé');
    expect(fr.body).toMatch(/60,00\s*\$/);
  });
});
