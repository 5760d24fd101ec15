/** Streams a file through SHA-256 so large data files are verified without loading them whole. */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { formatBytes, InputFileError, openRegularFile } from './input-files.js';

/**
 * Hex SHA-256 of the regular file at `absolute`; `display` names it in errors. Throws InputFileError
 * for a FIFO, a directory, a device or a link instead of blocking on it or crashing, and for a file
 * over `maxBytes`, whose size is taken from the opened descriptor: the file measured is the file hashed.
 */
export async function sha256File(
  absolute: string,
  display = path.basename(absolute),
  maxBytes = Number.POSITIVE_INFINITY,
): Promise<string> {
  const { handle, info } = await openRegularFile(absolute, display);
  try {
    if (info.size > maxBytes) {
      throw new InputFileError(
        display,
        `${display} is ${formatBytes(info.size)}, over the ${formatBytes(maxBytes)} hashing limit`,
      );
    }
    const hash = createHash('sha256');
    await pipeline(handle.createReadStream({ autoClose: false }), hash);
    return hash.digest('hex');
  } finally {
    await handle.close();
  }
}
