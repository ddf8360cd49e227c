import { OBJECT_TYPES, type ObjectMap, type ObjectType } from './objects';

type Tables = { [K in ObjectType]: Map<string, ObjectMap[K]> };

/** What an account link's URL resolves to (links carry no id in Stripe's API). */
export interface AccountLinkRecord {
  account: string;
  type: string;
  refreshUrl: string;
  returnUrl: string;
  expiresAt: number;
}

function emptyTables(): Tables {
  return {
    account: new Map(),
    payment_method: new Map(),
    payment_intent: new Map(),
    charge: new Map(),
    transfer: new Map(),
    transfer_reversal: new Map(),
    refund: new Map(),
    dispute: new Map(),
    balance_transaction: new Map(),
    event: new Map(),
  };
}

/**
 * All state, in memory. Objects are mutated in place by the resource handlers (each handler
 * runs synchronously, so a request is atomic); callers get deep copies via `snapshot`.
 */
export class Store {
  private tables: Tables = emptyTables();
  /** Insertion order breaks ties between objects created in the same second. */
  private readonly sequence = new Map<string, number>();
  private nextSequence = 0;
  readonly accountLinks = new Map<string, AccountLinkRecord>();

  insert<K extends ObjectType>(type: K, object: ObjectMap[K]): ObjectMap[K] {
    this.tables[type].set(object.id, object);
    this.sequence.set(object.id, this.nextSequence++);
    return object;
  }

  get<K extends ObjectType>(type: K, id: string): ObjectMap[K] | undefined {
    return this.tables[type].get(id);
  }

  /** All objects of a type, oldest first. */
  all<K extends ObjectType>(type: K): ObjectMap[K][] {
    return [...this.tables[type].values()];
  }

  sequenceOf(id: string): number {
    return this.sequence.get(id) ?? -1;
  }

  /** Finds any stored object by id, for `expand`. */
  findById(id: string): ObjectMap[ObjectType] | undefined {
    for (const type of OBJECT_TYPES) {
      const found = this.tables[type].get(id);
      if (found) return found;
    }
    return undefined;
  }

  clear(): void {
    this.tables = emptyTables();
    this.sequence.clear();
    this.accountLinks.clear();
    this.nextSequence = 0;
  }
}

/** Deep copy through JSON: responses and event payloads must not alias live state. */
export function snapshot<T>(value: T): T {
  return structuredClone(value);
}
