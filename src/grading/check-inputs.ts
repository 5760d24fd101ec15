/**
 * A fingerprint of what a check's outcome depends on besides the submission: its spec as configured
 * (options, hidden file paths and their sha256 pins, thresholds it measures with) and the course's
 * sandbox limits. Stored with each check result, it tells a rescore whether the stored outcome still
 * answers the config as it is now (the rubric changed: rescore) or the check itself must run again
 * (its inputs changed). Display-only fields (title, hidden) are left out, so renaming a check's title
 * does not ask for a rerun.
 */
import { createHash } from 'node:crypto';
import type { CheckSpecConfig, CourseConfig } from '../config/schema.js';

/** Spec fields that change how a result is shown, never the result. */
const DISPLAY_ONLY = new Set(['title', 'hidden']);

/** `sha256:<hex>` of the check's spec (display fields left out) and the course's sandbox block. */
export function checkInputs(spec: CheckSpecConfig, course: CourseConfig): string {
  const relevant = Object.fromEntries(Object.entries(spec).filter(([key]) => !DISPLAY_ONLY.has(key)));
  const text = canonicalJson({ spec: relevant, sandbox: course.course.sandbox ?? null });
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

/** JSON with object keys sorted at every depth, so key order in the YAML never changes the fingerprint. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}
