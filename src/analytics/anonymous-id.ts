/**
 * Stable anonymous ids: `s-` and the first 10 hex digits of HMAC-SHA256(course secret, course id NUL
 * lower-cased login). The same student gets the same id in every run with the same secret and
 * course; another course id gives another id; without the secret the id cannot be traced back to a
 * login by trying logins.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The environment variable that holds the report secret. */
export const REPORT_SECRET_ENV = 'MLGRADE_REPORT_SECRET';
/** The file, beside a PGlite ledger directory, that holds the report secret when the variable is unset. */
export const REPORT_SECRET_FILE = 'report-secret';

/** The anonymous id of `login` in `courseId`. */
export function anonymousId(secret: string, courseId: string, login: string): string {
  const mac = createHmac('sha256', secret).update(`${courseId}\0${login.toLowerCase()}`).digest('hex');
  return `s-${mac.slice(0, 10)}`;
}

/** Why no secret could be had; the CLI prints the message and exits 2. */
export class ReportSecretError extends Error {}

/**
 * The report secret: `MLGRADE_REPORT_SECRET`; else, for a PGlite ledger in `ledgerDir`, the file
 * `report-secret` in the directory that holds it (created with 32 random bytes, mode 0600, on first
 * use); for PostgreSQL (no `ledgerDir`), a {@link ReportSecretError} saying to set the variable.
 */
export function reportSecret(env: NodeJS.ProcessEnv, ledgerDir: string | undefined): string {
  const fromEnv = env[REPORT_SECRET_ENV];
  if (fromEnv) return fromEnv;
  if (ledgerDir === undefined)
    throw new ReportSecretError(
      `anonymous ids need a secret: set ${REPORT_SECRET_ENV} (e.g. to the output of \`openssl rand -hex 32\`) and keep it; with a PostgreSQL ledger there is no directory to keep a ${REPORT_SECRET_FILE} file in.`,
    );
  const file = reportSecretFile(ledgerDir);
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    try {
      writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    chmodSync(file, 0o600);
  }
  const secret = readFileSync(file, 'utf8').trim();
  if (!secret) throw new ReportSecretError(`${file} is empty: delete it (a new secret is made) or fill it.`);
  return secret;
}

/** Where the secret of a PGlite ledger in `ledgerDir` is kept: beside that directory. */
export function reportSecretFile(ledgerDir: string): string {
  return path.join(path.dirname(path.resolve(ledgerDir)), REPORT_SECRET_FILE);
}
