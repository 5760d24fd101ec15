/**
 * Cuts text to `maxLength` characters, marking the cut with an ellipsis. Counts code points, as
 * JSON Schema's maxLength (and ajv) do, so clipped strings always satisfy the results schema.
 */
export function clip(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  const chars = [...text];
  return chars.length <= maxLength ? text : `${chars.slice(0, Math.max(0, maxLength - 1)).join('')}…`;
}
