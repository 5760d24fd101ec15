import path from 'node:path';

/**
 * True when absolute path `child` is `parent` or lies below it, by the paths alone (no file system
 * access: resolve symlinks with realpath first where a link could lead elsewhere).
 */
export function isInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}
