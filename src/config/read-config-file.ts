/**
 * Reading a config file's text with the checks that keep a wrong path from producing a confusing
 * parse error: missing files, directories, binary content and oversized files each get one clear
 * reason instead.
 */
import { open } from 'node:fs/promises';

/** Configs are hand-written YAML; anything larger is a wrong path (a dataset, a model) or abuse. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** Reads a file's bytes; swap it out to load configs from somewhere other than disk (the app). */
export type ConfigReader = (file: string, maxBytes: number) => Promise<Uint8Array>;

/** Either the text or why it could not be had (a short phrase, e.g. "file not found"). */
export type ReadOutcome = { text: string } | { reason: string };

/** Why a read failed, for readers other than the default one to throw. */
export class ConfigReadError extends Error {
  override name = 'ConfigReadError';
}

/** Default reader: refuses directories and oversized files before reading anything. */
export const readFromDisk: ConfigReader = async (file, maxBytes) => {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw new ConfigReadError('file not found', { cause: error });
    if (code === 'EACCES' || code === 'EPERM')
      throw new ConfigReadError('permission denied', { cause: error });
    if (code === 'EISDIR') throw new ConfigReadError('it is a directory, not a file', { cause: error });
    throw error;
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw new ConfigReadError('it is a directory, not a file');
    if (!info.isFile()) throw new ConfigReadError('it is not a regular file');
    if (info.size > maxBytes) throw new ConfigReadError(tooLarge(info.size, maxBytes));
    // Read one byte past the cap, in case the file grew since stat.
    const buffer = Buffer.alloc(Math.min(info.size, maxBytes) + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
};

function tooLarge(size: number, maxBytes: number): string {
  return `the file is too large for a config (${size} bytes; the limit is ${maxBytes})`;
}

/** Reads and decodes a config file, turning every expected failure into a reason. */
export async function readConfigText(
  file: string,
  reader: ConfigReader,
  maxBytes: number,
): Promise<ReadOutcome> {
  let bytes: Uint8Array;
  try {
    bytes = await reader(file, maxBytes);
  } catch (error) {
    if (error instanceof ConfigReadError) return { reason: error.message };
    return { reason: `${(error as Error).message ?? String(error)}` };
  }
  if (bytes.length > maxBytes) return { reason: tooLarge(bytes.length, maxBytes) };
  if (bytes.subarray(0, 8192).includes(0)) return { reason: 'it is a binary file, not YAML' };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { reason: 'it is not valid UTF-8 text' };
  }
  if (text.trim() === '') return { reason: 'the file is empty' };
  return { text };
}
