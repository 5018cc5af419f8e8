// Kept free of imports: command definitions load at start-up, so they may only pull in what `--help` needs.

/** Commander collector for repeatable options (`-H a -H b` → ['a', 'b']). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
