/** Streams a file through SHA-256 so large data files are verified without loading them whole. */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { openRegularFile } from './input-files.js';

/**
 * Hex SHA-256 of the regular file at `absolute`; `display` names it in errors. Throws InputFileError
 * for a FIFO, a directory, a device or a link instead of blocking on it or crashing.
 */
export async function sha256File(absolute: string, display = path.basename(absolute)): Promise<string> {
  const { handle } = await openRegularFile(absolute, display);
  try {
    const hash = createHash('sha256');
    await pipeline(handle.createReadStream({ autoClose: false }), hash);
    return hash.digest('hex');
  } finally {
    await handle.close();
  }
}
