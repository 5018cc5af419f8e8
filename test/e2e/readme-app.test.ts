import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { closedPort } from '../helpers/server.js';

// The README promises that its sample `app.mjs` gets a clean card from `check`: run the sample exactly as printed,
// with svix 1.x and (issue 21 item 10) with svix 2.x, whose verify() returns undefined, installed as `svix2`.
const root = fileURLToPath(new URL('../../', import.meta.url));
const readme = readFileSync(`${root}README.md`, 'utf8');
const sample = /Save this as `app\.mjs`[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)?.[1];

describe('README sample endpoint', () => {
  const children: Array<ReturnType<typeof spawn>> = [];
  afterAll(() => children.forEach((child) => child.kill()));

  it.each([
    { svix: 'svix', major: 1 },
    { svix: 'svix2', major: 2 },
  ])('the README app.mjs passes every check that runs with svix major $major', async ({ svix, major }) => {
    expect(sample).toBeDefined();
    const version = (JSON.parse(readFileSync(`${root}node_modules/${svix}/package.json`, 'utf8')) as { version: string }).version;
    expect(version.split('.')[0]).toBe(String(major));
    // Inside the clone, so `import 'svix'` resolves as the README says it does.
    mkdirSync(`${root}.tmp`, { recursive: true });
    const file = `${root}.tmp/app-svix${major}.mjs`;
    writeFileSync(file, sample!.replace("from 'svix';", `from '${svix}';`));
    const port = await closedPort();
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port) };
    delete env.SCANDOCS_WEBHOOK_SECRET; // the sample falls back to the test secret, as `check` does
    const app = spawn(process.execPath, [file], { env });
    children.push(app);
    const url = `http://127.0.0.1:${port}/webhooks`;
    let result = await runCli(['check', '--url', url]);
    // The app needs a moment to bind: retry while it is unreachable, for at most ~5 s.
    for (let i = 0; i < 50 && /cannot reach/.test(result.stdout + result.stderr); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      result = await runCli(['check', '--url', url]);
    }
    expect(result.stdout).toMatch(/Score: 23\/23 checks passed, 5 skipped/);
    expect(result.code).toBe(0);
  });
});
