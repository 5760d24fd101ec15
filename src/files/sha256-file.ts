/** Streams a file through SHA-256 so large data files are verified without loading them whole. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';

/** Hex SHA-256 of the file at `absolute`. */
export async function sha256File(absolute: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(absolute), hash);
  return hash.digest('hex');
}
