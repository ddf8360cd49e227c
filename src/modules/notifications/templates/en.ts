import type { LocaleTemplates } from './types';

const q = (title: string) => `"${title}"`;

/** English. */
export const en: LocaleTemplates = {
  texts: {
    outbid: (p, f) => ({ title: 'You have been outbid', body: `Someone outbid you on ${q(p.listingTitle)}. Current price: ${f.price(p.currentPriceCents)}.` }),
    now_leading: (p, f) => ({
      title: 'You are the highest bidder',
      body: `A bidder retracted on ${q(p.listingTitle)}: you lead now at ${f.price(p.currentPriceCents)}.`,
    }),
    bids_retracted: (p, f) => ({
      title: 'Your bids were retracted',
      body: p.hasNewLeader
        ? `Your bids on ${q(p.listingTitle)} were retracted; another bidder leads at ${f.price(p.currentPriceCents)}.`
        : `Your bids on ${q(p.listingTitle)} were retracted; no bids remain.`,
    }),
    won: (p, f) => ({
      title: 'You won!',
      body: `You won ${q(p.listingTitle)} for ${f.price(p.priceCents)}. Pay within ${f.duration(p.paymentDeadlineSec)}.`,
    }),
    sold: (p, f) => ({ title: 'Sold!', body: `${q(p.listingTitle)} sold for ${f.price(p.priceCents)}.` }),
    unsold: (p) => ({ title: 'Your auction ended unsold', body: `${q(p.listingTitle)} ended without a winning bid.` }),
    lost: (p, f) => ({ title: 'Auction ended', body: `${q(p.listingTitle)} sold to another bidder for ${f.price(p.priceCents)}.` }),
    lost_no_sale: (p) => ({ title: 'Auction ended', body: `${q(p.listingTitle)} ended without a sale.` }),
    ending_soon: (p) => ({ title: 'Ending soon', body: `${q(p.listingTitle)} ends in ${p.minutes} minute${p.minutes === 1 ? '' : 's'}.` }),
    payment_due: (p, f) => ({
      title: 'Payment due soon',
      body: `Pay for your purchase (${f.price(p.amountCents)}) by ${f.dateTime(p.paymentDueAt)} or it will be cancelled.`,
    }),
    payment_received_seller: (p, f) => ({
      title: 'Payment received',
      body: `The buyer paid ${f.price(p.amountCents)} into escrow. Meet at a safe zone and scan their QR code to get paid.`,
    }),
    payment_received_buyer: (p, f) => ({
      title: 'Payment confirmed',
      body: `Your ${f.price(p.amountCents)} is held in escrow until you pick the item up.`,
    }),
    purchase_cancelled: () => ({
      title: 'Purchase cancelled',
      body: 'You did not pay within the deadline, so the purchase was cancelled and a non-payment strike was added to your account.',
    }),
    buyer_did_not_pay: () => ({
      title: 'The buyer did not pay',
      body: 'The buyer missed the payment deadline, so the sale was cancelled. You can list the item again.',
    }),
    escrow_released: (p, f) => ({ title: 'You got paid', body: `${f.price(p.payoutCents)} is on its way to your wallet.` }),
    wallet_needed: (p, f) => ({
      title: 'Set up your wallet to get paid',
      body: `Your payout of ${f.price(p.payoutCents)} is ready. Set up your Biddt wallet (Stripe) and it goes out right away.`,
    }),
    refund_issued: (p, f) => ({
      title: 'Refund issued',
      body: `${f.price(p.amountCents)} ${p.full ? 'was refunded to your card in full' : 'was refunded to your card'}. Banks take 5 to 10 days to show it.`,
    }),
    extra_payment_refunded: (p, f) => ({
      title: 'Extra payment refunded',
      body: `You were charged ${f.price(p.amountCents)} again for a purchase that was already paid or no longer payable. We refunded it to your card in full. Banks take 5 to 10 days to show it.`,
    }),
    dispute_opened: () => ({ title: 'A dispute was opened', body: 'The payment is on hold while our support team reviews the case.' }),
    dispute_resolved: (p, f) => {
      const refund = f.price(p.refundCents ?? 0);
      const bodies = {
        release: {
          buyer: 'Support decided in favour of the seller: the payment is released to them.',
          seller: 'Support decided in your favour: your payout is on its way.',
        },
        refund: { buyer: `Support decided in your favour: ${refund} is refunded to you.`, seller: 'Support refunded the buyer in full.' },
        partial_refund: {
          buyer: `Support refunded ${refund} to you.`,
          seller: `Support refunded ${refund} to the buyer; you are paid for the rest, minus fees.`,
        },
      };
      return { title: 'Your dispute was resolved', body: bodies[p.resolution][p.side] };
    },
    chargeback_decided: (p) => ({
      title: 'The chargeback was decided',
      body: p.sellerWon
        ? 'The card issuer decided for the seller: the payment is released.'
        : 'The card issuer decided for the buyer: the payment is returned.',
    }),
    new_message: (p) => ({ title: 'New message', body: p.preview }),
    staff_message: (p) => ({ title: 'Message from Biddt support', body: p.preview }),
    meetup_reminder: (p) => ({
      title: 'Meetup reminder',
      body: `Your meetup is ${p.lead === '2h' ? 'in 2 hours' : 'in 15 minutes'}${p.placeName ? ` at ${p.placeName}, ${p.placeAddress}` : ''}.`,
    }),
    meetup_zone_closed: (p) => ({
      title: 'Choose another meetup place',
      body: `${p.placeName} is no longer a Biddt safe zone, so your ${p.accepted ? 'meetup' : 'proposed meetup'} there cannot take place. Propose another place.`,
    }),
    listing_taken_down: (p) => ({ title: 'Listing cancelled', body: `${q(p.listingTitle)} was taken down: ${p.reason}` }),
    listing_cancelled: (p) => ({
      title: 'Listing cancelled',
      body: p.by === 'staff' ? `${q(p.listingTitle)} was cancelled by Biddt.` : `${q(p.listingTitle)} was cancelled by its seller.`,
    }),
    rating_received: (p) => ({
      title: 'You were rated',
      body: `You received a rating of ${p.score}/5${p.hasComment ? ' with a comment' : ''}. See it on your profile.`,
    }),
    second_chance_offer: (p, f) => ({
      title: 'A second chance to buy',
      body: `The winner of ${q(p.listingTitle)} did not pay. It is yours for your maximum bid of ${f.price(p.amountCents)} if you accept within ${f.duration(p.windowSec)}.`,
    }),
    second_chance_declined: (p) => ({
      title: p.how === 'declined' ? 'Second-chance offer declined' : 'Second-chance offer expired',
      body: `${p.how === 'declined' ? 'The runner-up declined your offer.' : 'The runner-up did not answer in time.'} You can relist the item.`,
    }),
    followed_seller_listed: (p, f) => ({
      title: 'New from a seller you follow',
      body: `${q(p.listingTitle)} was just listed${p.startsAt ? ` (bidding opens ${f.dateTime(p.startsAt)})` : ''}.`,
    }),
  },
  sms: (body) => `Biddt: ${body}`,
  otp: (p) => `Your Biddt code is ${p.code}. It expires in ${p.minutes} minute${p.minutes === 1 ? '' : 's'}.`,
  units: { day: ['day', 'days'], hour: ['hour', 'hours'], minute: ['minute', 'minutes'], second: ['second', 'seconds'] },
};
