/** The ledger the terminal commands use: PostgreSQL with DATABASE_URL, else PGlite in `--ledger DIR`. */

import type { Ledger } from '../store/ledger-types.js';
import { DEFAULT_LEDGER_DIR, openLedger } from '../store/open-ledger.js';

/** The `--ledger` option every ledger command takes. */
export const LEDGER_OPTION = { ledger: { type: 'string' } } as const;

/** Opens the ledger named by `--ledger DIR` (PGlite) or DATABASE_URL (PostgreSQL), migrated. */
export function openCliLedger(
  dir: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Ledger> {
  if (dir !== undefined) return openLedger({ dataDir: dir, databaseUrl: '' });
  if (env.DATABASE_URL) return openLedger({ databaseUrl: env.DATABASE_URL });
  return openLedger({ dataDir: env.MLGRADE_LEDGER_DIR || DEFAULT_LEDGER_DIR, databaseUrl: '' });
}

/** Where the ledger is, for messages. */
export function describeLedger(dir: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (dir !== undefined) return `PGlite ledger ${dir}`;
  if (env.DATABASE_URL) return 'PostgreSQL ledger (DATABASE_URL)';
  return `PGlite ledger ${env.MLGRADE_LEDGER_DIR || DEFAULT_LEDGER_DIR}`;
}
