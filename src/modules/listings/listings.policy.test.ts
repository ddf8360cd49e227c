import type { Actor } from '../../shared/context';
import { AppError } from '../../shared/errors';
import { assertEditable, assertSeller, canView } from './listings.policy';

const seller: Actor = { userId: 's', role: 'user', sid: 'x' };
const stranger: Actor = { userId: 'o', role: 'user', sid: 'y' };
const support: Actor = { userId: 'm', role: 'support', sid: 'z' };
const listing = (status: 'draft' | 'active' | 'cancelled', deletedAt: Date | null = null, eventSeq = '0') => ({
  sellerId: 's',
  status,
  deletedAt,
  eventSeq,
});
const codeOf = (fn: () => void) => {
  try {
    fn();
    return 'ok';
  } catch (err) {
    return (err as AppError).code;
  }
};

describe('listing policy', () => {
  it('hides drafts from all but the seller and moderators, and deleted listings from everyone', () => {
    expect([canView(listing('draft'), seller), canView(listing('draft'), stranger), canView(listing('draft'), undefined)]).toEqual([
      true,
      false,
      false,
    ]);
    expect(canView(listing('draft'), support)).toBe(true);
    expect(canView(listing('active'), undefined)).toBe(true);
    expect(canView(listing('active', new Date()), seller)).toBe(false);
  });

  it('hides a draft taken down (cancelled, no events) like a draft; a cancelled published listing (its auction_ended stored) stays public', () => {
    const takenDownDraft = listing('cancelled');
    expect([
      canView(takenDownDraft, seller),
      canView(takenDownDraft, support),
      canView(takenDownDraft, stranger),
      canView(takenDownDraft, undefined),
    ]).toEqual([true, true, false, false]);
    expect(canView(listing('cancelled', null, '1'), undefined)).toBe(true);
    expect(codeOf(() => assertSeller(takenDownDraft, stranger))).toBe('not_found');
  });

  it('answers 404 to strangers who cannot see the listing and 403 to those who can', () => {
    expect(codeOf(() => assertSeller(listing('draft'), stranger))).toBe('not_found');
    expect(codeOf(() => assertSeller(listing('active'), stranger))).toBe('not_listing_seller');
    expect(codeOf(() => assertSeller(listing('active'), seller))).toBe('ok');
  });

  it('locks terms once published and the title once bid on', () => {
    expect(codeOf(() => assertEditable({ status: 'draft', bidCount: 0 }, ['startingPriceCents']))).toBe('ok');
    expect(codeOf(() => assertEditable({ status: 'active', bidCount: 0 }, ['title', 'location']))).toBe('ok');
    expect(codeOf(() => assertEditable({ status: 'scheduled', bidCount: 0 }, ['endsAt']))).toBe('listing_terms_locked');
    expect(codeOf(() => assertEditable({ status: 'active', bidCount: 3 }, ['description']))).toBe('ok');
    expect(codeOf(() => assertEditable({ status: 'active', bidCount: 3 }, ['title']))).toBe('listing_terms_locked');
    expect(codeOf(() => assertEditable({ status: 'ended_sold', bidCount: 3 }, []))).toBe('listing_not_editable');
  });
});
