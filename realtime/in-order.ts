/**
 * One socket's commands on one key (a listing, a transaction) run one after another, in the order
 * they arrived; commands on other keys still run side by side. Without it a `subscribe` or
 * `join_chat` still waiting for the database is overtaken by the `unsubscribe` / `leave_chat` sent
 * right after it (a feed scrolled past, a chat opened and closed), and the socket ends up in the room
 * it left: hearing it, and counting it against its subscription limit.
 */
export function inOrderPerKey() {
  const tails = new Map<string, Promise<unknown>>();
  return <T>(key: string, run: () => Promise<T>): Promise<T> => {
    const result = (tails.get(key) ?? Promise.resolve()).then(run);
    const tail = result.catch(() => undefined);
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return result;
  };
}
