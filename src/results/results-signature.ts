/**
 * Signing the results file, so that the app can tell the grader action's results from a file that
 * something else wrote on the runner and got uploaded. No storage: the app derives a key per dispatch
 * from its own secret and the dispatch nonce, passes it to the action as a workflow input, and derives
 * it again when the run completes. The action signs the exact bytes it wrote; the signature travels
 * as a separate file beside the results (`mlgrade-results.json.sig`), so the results stay
 * schema-valid.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The signature file's name beside the results file: `<results>.sig`. */
export const SIGNATURE_SUFFIX = '.sig';

const PREFIX = 'sha256=';

/** The key of one dispatch: HMAC-SHA256(app secret, nonce), hex. */
export function resultsKey(secret: string, nonce: string): string {
  return createHmac('sha256', secret).update(`mlgrade results key\0${nonce}`).digest('hex');
}

/** The signature of a results file's text: `sha256=<hex HMAC-SHA256(key, text)>`. */
export function signResults(key: string, text: string): string {
  return `${PREFIX}${createHmac('sha256', key).update(text, 'utf8').digest('hex')}`;
}

/** Whether `signature` (the signature file's content, surrounding whitespace ignored) signs `text` with `key`. */
export function verifyResults(key: string, text: string, signature: string): boolean {
  const expected = Buffer.from(signResults(key, text));
  const got = Buffer.from(signature.trim());
  return got.length === expected.length && timingSafeEqual(got, expected);
}
