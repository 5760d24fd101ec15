/**
 * Reading files that a student (or a runner) controls. Every path is resolved inside its root, symbolic
 * links that leave the root are refused, sizes are capped before reading, and binary content is
 * detected, so a hostile submission produces a finding instead of a crash or an escape.
 */
import { constants, type Stats } from 'node:fs';
import { type FileHandle, lstat, open, realpath } from 'node:fs/promises';
import path from 'node:path';
import { isInside } from './path-inside.js';

/** A problem with an input file that the check should report as a finding, not a crash. */
export class InputFileError extends Error {
  /** Path as the user wrote it (relative to its root), for the finding's `file` field. */
  readonly file: string;
  /** 1-based line of the problem when known. */
  readonly line: number | undefined;

  constructor(file: string, message: string, options?: { line?: number; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'InputFileError';
    this.file = file;
    this.line = options?.line;
  }
}

/**
 * Resolves `relative` inside `root` and returns the absolute path. Rejects absolute paths, `..`
 * escapes, and symbolic links whose target lies outside `root`. Does not require the file to exist
 * unless `mustExist` is set (the realpath check then also covers links).
 */
export async function resolveInside(root: string, relative: string, mustExist = true): Promise<string> {
  if (path.isAbsolute(relative) || relative.split(/[\\/]/).includes('..')) {
    throw new InputFileError(relative, `path "${relative}" must be relative and stay inside its directory`);
  }
  const absolute = path.resolve(root, relative);
  if (!mustExist) return absolute;
  let real: string;
  try {
    real = await realpath(absolute);
  } catch (error) {
    throw new InputFileError(relative, `${relative} was not found`, { cause: error });
  }
  const realRoot = await realpath(root);
  if (!isInside(real, realRoot)) {
    throw new InputFileError(
      relative,
      `${relative} is a link that points outside the submission; commit the file itself`,
    );
  }
  return real;
}

/** Options for {@link readInputFile}. */
export interface ReadOptions {
  /** Refuse files larger than this many bytes. */
  maxBytes: number;
  /** Refuse content with NUL bytes in the first 8 KiB (default true: callers expect text). */
  text?: boolean;
}

/** What a non-regular file is, in words for a finding ("a FIFO (named pipe)"). */
function describeKind(info: Stats): string {
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isSocket()) return 'a socket';
  if (info.isSymbolicLink()) return 'a symbolic link';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

function notRegular(display: string, info: Stats): InputFileError {
  const kind = describeKind(info);
  const what = kind === 'not a regular file' ? kind : `${kind}, not a regular file`;
  return new InputFileError(display, `${display} is ${what}; commit the file itself`);
}

/**
 * Opens a regular file for reading without ever blocking. A FIFO opened for reading blocks until a
 * writer appears (forever, in a submission), so the type is checked with lstat before opening, the
 * open uses O_NONBLOCK (a FIFO swapped in after the lstat still returns at once) and O_NOFOLLOW,
 * and the opened descriptor is checked again with fstat, which closes the race: what is read is
 * what was checked. Returns the open handle (the caller closes it) and its fstat.
 */
export async function openRegularFile(
  absolute: string,
  display: string,
): Promise<{ handle: FileHandle; info: Stats }> {
  const failure = (error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'was not found'
        : code === 'ELOOP'
          ? 'is a symbolic link'
          : `could not be opened (${code})`;
    return new InputFileError(display, `${display} ${why}`, { cause: error });
  };
  let before: Stats;
  try {
    before = await lstat(absolute);
  } catch (error) {
    throw failure(error);
  }
  if (!before.isFile()) throw notRegular(display, before);
  let handle: FileHandle;
  try {
    handle = await open(absolute, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    throw failure(error);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw notRegular(display, info);
    if (info.ino !== before.ino || info.dev !== before.dev) {
      throw new InputFileError(
        display,
        `${display} changed while it was being opened; commit the file itself`,
      );
    }
    return { handle, info };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/**
 * Reads a whole regular file under a size cap. `display` is the name used in errors (relative path).
 * Opens through {@link openRegularFile} (never blocks on a FIFO, never follows a link) and checks
 * the opened descriptor, so the file cannot be swapped between the size check and the read.
 */
export async function readInputFile(
  absolute: string,
  display: string,
  options: ReadOptions,
): Promise<Buffer> {
  const { handle, info } = await openRegularFile(absolute, display);
  try {
    if (info.size > options.maxBytes) {
      throw new InputFileError(
        display,
        `${display} is ${formatBytes(info.size)}, over the ${formatBytes(options.maxBytes)} limit; make it smaller or ask the instructor to raise the limit`,
      );
    }
    const buffer = Buffer.allocUnsafe(info.size);
    let offset = 0;
    while (offset < info.size) {
      const { bytesRead } = await handle.read(buffer, offset, info.size - offset, offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
    }
    const content = offset === info.size ? buffer : buffer.subarray(0, offset);
    if ((options.text ?? true) && looksBinary(content)) {
      throw new InputFileError(
        display,
        `${display} looks like a binary file (it contains NUL bytes); a text file was expected`,
      );
    }
    return content;
  } finally {
    await handle.close();
  }
}

/** True when the first 8 KiB contain a NUL byte, the same heuristic git uses. */
export function looksBinary(content: Uint8Array): boolean {
  const end = Math.min(content.length, 8192);
  for (let i = 0; i < end; i++) if (content[i] === 0) return true;
  return false;
}

/** 1536 → "1.5 KiB". */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} bytes` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
