import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { closedPort } from '../helpers/server.js';

// The README promises that its sample `app.mjs` scores 19/19 with `check`: run the sample exactly as printed.
const root = fileURLToPath(new URL('../../', import.meta.url));
const readme = readFileSync(`${root}README.md`, 'utf8');
const sample = /Save this as `app\.mjs`[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)?.[1];

describe('README sample endpoint', () => {
  const children: Array<ReturnType<typeof spawn>> = [];
  afterAll(() => children.forEach((child) => child.kill()));

  it('the README app.mjs passes every check', async () => {
    expect(sample).toBeDefined();
    // Inside the clone, so `import 'svix'` resolves as the README says it does.
    mkdirSync(`${root}.tmp`, { recursive: true });
    writeFileSync(`${root}.tmp/app.mjs`, sample!);
    const port = await closedPort();
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port) };
    delete env.SCANDOCS_WEBHOOK_SECRET; // the sample falls back to the test secret, as `check` does
    const app = spawn(process.execPath, [`${root}.tmp/app.mjs`], { env });
    children.push(app);
    const url = `http://127.0.0.1:${port}/webhooks`;
    let result = await runCli(['check', '--url', url]);
    // The app needs a moment to bind: retry while it is unreachable, for at most ~5 s.
    for (let i = 0; i < 50 && /cannot reach/.test(result.stdout + result.stderr); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      result = await runCli(['check', '--url', url]);
    }
    expect(result.stdout).toMatch(/Score: 19\/19 checks passed/);
    expect(result.code).toBe(0);
  });
});
