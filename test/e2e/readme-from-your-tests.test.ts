import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The README's "From your tests" examples are test/readme/*.test.ts, which the suite runs (importing
// 'scandocs-webhooks' as a user would). This test holds the README to them: each block is a file, byte for byte.
const root = fileURLToPath(new URL('../../', import.meta.url));
const readme = readFileSync(`${root}README.md`, 'utf8');
const section = /^## From your tests\n([\s\S]*?)^## /m.exec(readme)?.[1] ?? '';
const blocks = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!);

describe('README "From your tests"', () => {
  it('shows two examples', () => {
    expect(blocks).toHaveLength(2);
  });

  it.each(['webhooks.test.ts', 'endpoint.test.ts'])('prints test/readme/%s exactly as the suite runs it', (name) => {
    const file = readFileSync(`${root}test/readme/${name}`, 'utf8');
    expect(blocks.find((block) => block.startsWith(`// ${name}`))).toBe(file);
  });

  it('runs the endpoint example against the README app.mjs, as printed', () => {
    const app = /Save this as `app\.mjs`[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(readFileSync(`${root}test/readme/app.mjs`, 'utf8')).toBe(app);
  });
});
