import type { Problem } from '../../shared/problem';
import { toProblem } from '../../shared/problem';
import { AppError, type ErrorKind } from '../../shared/errors';
import type { BidErrorCode } from '../auctions';

const KINDS: Record<BidErrorCode | 'bidder_not_allowed', { kind: ErrorKind; message: string }> = {
  auction_not_active: { kind: 'conflict', message: 'This listing is not taking bids.' },
  auction_ended: { kind: 'conflict', message: 'The auction has ended.' },
  own_listing: { kind: 'forbidden', message: 'You cannot bid on your own listing.' },
  bid_too_low: { kind: 'conflict', message: 'Your maximum is below the minimum next bid.' },
  bid_not_higher: { kind: 'conflict', message: 'You lead already; a new maximum must exceed your current one.' },
  invalid_amount: { kind: 'unprocessable', message: 'The amount must be a positive whole number of cents.' },
  bidder_not_allowed: { kind: 'forbidden', message: 'Your account cannot bid right now.' },
};

/** The problem document for an engine refusal (stored as the bid's decided result). */
export function bidProblem(code: BidErrorCode | 'bidder_not_allowed', minNextBidCents?: number): Problem {
  const { kind, message } = KINDS[code];
  return toProblem(new AppError(kind, code, message, minNextBidCents !== undefined ? { minNextBidCents } : {}));
}

/** Rebuilds the AppError from a stored problem so every transport maps it the same way. */
export function errorOfBidProblem(problem: Problem): AppError {
  const known = KINDS[problem.code as BidErrorCode];
  const { type: _t, title: _ti, status: _s, code, detail, instance: _i, ...details } = problem;
  return new AppError(known?.kind ?? 'conflict', code, detail, details);
}
