import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Express, Request, RequestHandler } from 'express';
import type { Deps } from '../composition';
import { recordAudit } from '../modules/audit';
import { actorFromToken, bearerToken } from '../modules/auth';
import { forbidden } from '../shared/errors';
import { can } from '../shared/permissions';
import { signInRequired } from './route';

export const QUEUES_PATH = '/admin/queues';
/** Set by the console (a browser cannot add a bearer header to a link it follows). */
export const STAFF_COOKIE = 'biddt_staff_token';

/** The access token from `Authorization: Bearer …`, else from the console's cookie. */
function tokenOf(req: Request): string | undefined {
  const bearer = bearerToken(req.headers.authorization);
  if (bearer) return bearer;
  const cookie = req.headers.cookie
    ?.split(';')
    .map((c) => c.trim())
    .find((c) => c.startsWith(`${STAFF_COOKIE}=`));
  return cookie ? decodeURIComponent(cookie.slice(STAFF_COOKIE.length + 1)) : undefined;
}

/**
 * SPEC §9: anonymous → 401, signed in without `queues:view` (support, users) → 403. Page loads are audited.
 * Anything but a read is refused here as well as by the board's read-only mode: a board action on `escrow`
 * or `bids` would move money past the money-intent rules and the audit log (SPEC §4), and this also holds
 * for a route a future Bull Board adds without its read-only check.
 */
function queuesGate(deps: Deps): RequestHandler {
  return async (req, _res, next) => {
    const token = tokenOf(req);
    if (!token) throw signInRequired();
    const actor = await actorFromToken(deps, token);
    if (!can(actor.role, 'queues:view')) throw forbidden('missing_permission', 'The queue dashboard is for admins.');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      throw forbidden('queues_read_only', "The queue dashboard is read-only; retry money jobs from the console's Money jobs screen.");
    }
    if (req.method === 'GET' && (req.path === '/' || req.path === '')) {
      await recordAudit(deps.db, {
        actorId: actor.userId,
        action: 'queues.viewed',
        targetType: 'queues',
        targetId: '*',
        requestId: req.id,
      });
    }
    next();
  };
}

/**
 * Bull Board over every queue of the job catalogue, at /admin/queues, admins only, read-only: the one way
 * to act on a money job is the audited money-jobs API (`/v1/admin/money-jobs`), never the board.
 */
export function mountQueueBoard(app: Express, deps: Deps): void {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUES_PATH);
  createBullBoard({
    // Read-only also hides the board's buttons, so an admin is not offered what the gate refuses.
    queues: Object.values(deps.queues).map((q) => new BullMQAdapter(q, { readOnlyMode: true })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Biddt queues' } },
  });
  app.use(QUEUES_PATH, queuesGate(deps), serverAdapter.getRouter() as RequestHandler);
}
