import pg from 'pg';
import { loadConfig } from '../../config/app-config.js';
import { openOperatorDatabase, runOperatorCommand } from '../../database/cli-database.js';
import { describeVerification, verifyAuditChain } from '../audit-chain.js';

/**
 * `npm run audit:verify`: checks the audit log's hash chain on DATABASE_URL or the embedded
 * database. Prints `OK n rows` (exit 0) or names the first broken row (exit 1); 2 on other errors.
 */
async function main(): Promise<number> {
  const database = await openOperatorDatabase(loadConfig());
  const client = new pg.Client({ connectionString: database.url });
  try {
    await client.connect();
    const verification = await verifyAuditChain(client);
    console.log(describeVerification(verification));
    return verification.ok ? 0 : 1;
  } finally {
    await client.end();
    await database.close();
  }
}

runOperatorCommand('audit:verify', main, 2);
