import type { Actor } from '../../http/types';

/** Who a listings service acts for (SPEC STYLE: ctx first in service methods that act for someone). */
export interface Ctx {
  actor: Actor;
  requestId: string;
}

/** The same for reads that anonymous visitors may make. */
export interface ViewerCtx {
  actor: Actor | undefined;
  requestId: string;
}
