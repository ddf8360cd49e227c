/**
 * Rejects after `ms` unless `work` settled first. When the timer fires, socket reads already waiting
 * are processed first (one more turn of the event loop), so a blocked loop is not mistaken for a
 * silent server.
 */
export async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let settled = false;
  const tracked = work.finally(() => {
    settled = true;
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      setImmediate(() => {
        if (!settled) reject(new Error(`no answer within ${ms} ms`));
      });
    }, ms);
  });
  try {
    return await Promise.race([tracked, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
