/**
 * `npm run reconcile [-- --since=2026-11-01 | --days=7] [--json]`: compares the ledger with Stripe
 * and prints every orphan (a movement without its Stripe object, or a Stripe object the ledger never
 * recorded). Exit code 0 when they agree, 1 when there is any orphan, 2 when the check itself failed.
 * Reads the same environment as the API (DATABASE_URL, STRIPE_SECRET_KEY or the local stand-in).
 */
import { createDb } from '../db/connection';
import { loadConfigOrExit } from '../src/config/config';
import { formatReport, reconcile } from '../src/modules/ledger';
import { createPayments } from '../src/providers/payments/create-payments';

function sinceFrom(args: string[]): Date | undefined {
  const since = args.find((a) => a.startsWith('--since='))?.slice('--since='.length);
  if (since) {
    const date = new Date(since);
    if (Number.isNaN(date.getTime())) throw new Error(`--since: not a date: ${since}`);
    return date;
  }
  const days = args.find((a) => a.startsWith('--days='))?.slice('--days='.length);
  return days ? new Date(Date.now() - Number(days) * 86_400_000) : undefined;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const config = loadConfigOrExit();
  if (!config.databaseUrl) throw new Error('DATABASE_URL is not set');
  const db = createDb(config.databaseUrl, 2);
  try {
    const report = await reconcile({ db, payments: createPayments(config) }, { since: sinceFrom(args) });
    process.stdout.write(`${args.includes('--json') ? JSON.stringify(report, null, 2) : formatReport(report)}\n`);
    return report.orphans.length > 0 ? 1 : 0;
  } finally {
    await db.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`reconcile failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(2);
  },
);
