// Small text helpers shared by the renderers.

/** Prefixes every line of `text` (a final line break is dropped, CRLF counts as one). */
export function indent(text: string, prefix: string): string {
  return text
    .replace(/\r?\n$/, '')
    .split(/\r?\n/)
    .map((line) => `${prefix}${line}`)
    .join('\n');
}

/** "1 delivery", "3 deliveries". */
export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
