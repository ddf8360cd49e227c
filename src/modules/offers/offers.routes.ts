import { created, defineRoute, ok } from '../../http/route';
import type { Ctx } from '../../shared/context';
import { presentTransaction } from '../transactions';
import { presentOffer } from './offers.presenter';
import { AcceptedOffer, OfferIdParams, OfferListingParams, OfferView } from './offers.schemas';
import { acceptOffer, declineOffer, makeSecondChanceOffer } from './second-chance';

const tags = ['offers'];
const ctxOf = ({ actor, requestId }: Ctx): Ctx => ({ actor, requestId });
const answerErrors = {
  403: {
    description:
      'not_offer_recipient (the seller), bidding_suspended or bidder_not_allowed (accept: two unpaid purchases, or the account is suspended)',
  },
  404: { description: "No such offer made to you (or its seller's account or listing was deleted)" },
  409: { description: 'offer_not_pending (already answered or expired), offer_expired (48 h are over)' },
};

export const offerRoutes = [
  defineRoute(
    {
      method: 'post',
      path: '/v1/listings/:id/second-chance',
      summary: "After a non-payment, offer the item to the runner-up at the runner-up's own maximum (48 h to accept)",
      tags,
      params: OfferListingParams,
      responses: {
        201: { description: 'The pending offer (the runner-up is notified)', schema: OfferView },
        403: { description: 'not_listing_seller, account_suspended (a suspended seller offers nothing, as they list nothing)' },
        404: { description: 'No such listing visible to you' },
        409: {
          description:
            'not_offerable (the buyer did not miss a payment), no_runner_up, offer_exists (offered once already), already_relisted (listingId names the relist)',
        },
      },
    },
    async (deps, input) => created(presentOffer(await makeSecondChanceOffer(deps, ctxOf(input), input.params.id))),
  ),
  defineRoute(
    {
      method: 'post',
      path: '/v1/offers/:id/accept',
      summary: 'Accept a second-chance offer: a new sale, payable like a won auction',
      tags,
      params: OfferIdParams,
      responses: { 201: { description: 'The accepted offer and its pending_payment transaction', schema: AcceptedOffer }, ...answerErrors },
    },
    async (deps, input) => {
      const { offer, transaction } = await acceptOffer(deps, ctxOf(input), input.params.id);
      return created({ offer: presentOffer(offer), transaction: presentTransaction(transaction) });
    },
  ),
  defineRoute(
    {
      method: 'post',
      path: '/v1/offers/:id/decline',
      summary: 'Decline a second-chance offer (the seller is told)',
      tags,
      params: OfferIdParams,
      responses: { 200: { description: 'The declined offer', schema: OfferView }, ...answerErrors },
    },
    async (deps, input) => ok(presentOffer(await declineOffer(deps, ctxOf(input), input.params.id))),
  ),
];
