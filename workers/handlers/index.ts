import type { HandlerMap } from '../registry';
import { cleanup } from './maintenance';

/** queue → job name → handler, for every job declared in src/shared/queues.ts. */
export const handlers: HandlerMap = {
  maintenance: { 'maintenance.cleanup': cleanup },
};
