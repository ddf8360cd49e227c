import { Client } from 'pg';
import { writeContractReport } from './contract-report';

/** Drops the template and any test database left behind, then stops services we started. */
export default async function globalTeardown(): Promise<void> {
  if (process.env.TEST_CONTRACT_DIR) writeContractReport(process.env.TEST_CONTRACT_DIR, (line) => process.stderr.write(`[test teardown] ${line}\n`));
  const adminUrl = process.env.TEST_PG_ADMIN_URL;
  const template = process.env.TEST_PG_TEMPLATE;
  if (adminUrl && template) {
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    const prefix = template.replace('biddt_tpl_', 'biddt_t_');
    const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2`, [template, `${prefix}%`]);
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    await admin.end();
  }
  for (const service of globalThis.__biddtServices ?? []) await service.stop().catch(() => undefined);
}
