import path from 'node:path';

/**
 * True when absolute path `child` is `parent` or lies below it, by the paths alone (no file system
 * access: resolve symlinks with realpath first where a link could lead elsewhere). A name that only
 * begins with two dots (`..cache`) is inside; `..` itself, as a whole segment, is not.
 */
export function isInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return (
    relative === '' ||
    (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative))
  );
}
