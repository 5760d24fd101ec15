/**
 * A database of its own in a PostgreSQL server, for the replica test and the fault bench: created
 * fresh, dropped afterwards, so that parallel test files and earlier runs never share rows. The
 * server comes from MLGRADE_TEST_DATABASE_URL, or (benches) from .ci/start-postgres.sh, which this
 * module then stops again.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

/** A fresh database; `drop` removes it (and stops a server this module started). */
export interface ScratchDatabase {
  url: string;
  /** Where the server came from, for the benches' output. */
  source: string;
  drop(): Promise<void>;
}

const run = promisify(execFile);

/**
 * Creates a database in the server at `serverUrl`; without one, starts a throwaway server with
 * .ci/start-postgres.sh when `startServer` is set (it needs Debian's postgresql package).
 */
export async function scratchDatabase(
  root: string,
  serverUrl: string | undefined,
  options: { startServer?: boolean } = {},
): Promise<ScratchDatabase> {
  let stopServer = async () => {};
  let source = 'MLGRADE_TEST_DATABASE_URL';
  if (!serverUrl) {
    if (!options.startServer) throw new Error('no PostgreSQL: set MLGRADE_TEST_DATABASE_URL');
    const { stdout } = await run('bash', [path.join(root, '.ci', 'start-postgres.sh')]);
    serverUrl = stdout.trim();
    source = `.ci/start-postgres.sh (${serverUrl})`;
    stopServer = () => stopStartedServer(serverUrl!);
  }
  const name = `mlgrade_load_${randomBytes(4).toString('hex')}`;
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    source,
    drop: async () => {
      await withClient(serverUrl!, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      await stopServer();
    },
  };
}

async function withClient<T>(url: string, body: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await body(client);
  } finally {
    await client.end();
  }
}

/** Stops the server .ci/start-postgres.sh started (pg_ctl on its data directory, as its owner). */
async function stopStartedServer(url: string): Promise<void> {
  const dataDir = await withClient(url, async (client) => {
    const { rows } = await client.query<{ dir: string }>(`SELECT current_setting('data_directory') AS dir`);
    return rows[0]!.dir;
  });
  const { stdout } = await run('bash', ['-c', 'ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1']);
  const stop = `'${stdout.trim()}/pg_ctl' -D '${dataDir}' -m fast stop`;
  const asOwner =
    process.getuid?.() === 0 ? ['su', 'postgres', '-s', '/bin/bash', '-c', stop] : ['bash', '-c', stop];
  await run(asOwner[0]!, asOwner.slice(1)).catch(() => undefined);
}
