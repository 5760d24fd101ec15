/** Quoting values from files inside messages, short enough that a hostile value cannot bloat a finding. */

/** Longest value shown in full; longer ones are cut with an ellipsis. */
const MAX_SHOWN = 80;

/** `value` in double quotes (JSON escapes, so control characters stay visible), cut to {@link MAX_SHOWN}. */
export function quoteValue(value: string): string {
  return JSON.stringify(value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN - 1)}…` : value);
}
