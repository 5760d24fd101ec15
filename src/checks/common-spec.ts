/** Builds a check's spec schema from its own options plus the fields every check shares. */
import { type TProperties, Type } from '@sinclair/typebox';

/** Check ids look like slugs so that `<id>.<metric>` references stay unambiguous. */
export const CHECK_ID_PATTERN = '^[a-z0-9][a-z0-9_-]*$';

/**
 * Returns the JSON Schema of a check spec: `id`, `kind` (the literal kind), `title`, `hidden`, plus
 * `options`. Unknown keys are rejected so that a misspelled option never silently does nothing.
 */
export function checkSpec<K extends string, P extends TProperties>(kind: K, description: string, options: P) {
  return Type.Object(
    {
      id: Type.String({
        pattern: CHECK_ID_PATTERN,
        description:
          'Unique within the assignment (lowercase letters, digits, - and _). Rubrics refer to `<id>.<metric>`.',
      }),
      kind: Type.Literal(kind, { description }),
      title: Type.Optional(Type.String({ minLength: 1, description: 'Title shown in reports.' })),
      hidden: Type.Optional(
        Type.Boolean({ description: 'Details shown to students only after the due date (default false).' }),
      ),
      ...options,
    },
    { additionalProperties: false },
  );
}
