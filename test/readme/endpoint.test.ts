// endpoint.test.ts, next to app.mjs
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { check } from 'scandocs-webhooks';

const secret = 'whsec_c2NhbmRvY3MtbG9jYWwtdGVzdC1rZXkh';
let app: ChildProcess;
let url: string;

beforeAll(async () => {
  // PORT=0: any free port; the app prints the URL it listens on.
  const env = { ...process.env, PORT: '0', SCANDOCS_WEBHOOK_SECRET: secret };
  app = spawn(process.execPath, [fileURLToPath(new URL('./app.mjs', import.meta.url))], { env });
  const [output] = await once(app.stdout!, 'data');
  url = /http:\/\/\S+/.exec(String(output))![0];
});
afterAll(() => app.kill());

test('our endpoint passes every check', async () => {
  const card = await check({ url, secret });
  expect(card.results.filter((result) => !result.passed && !result.skipped).map((result) => result.hint)).toEqual([]);
  expect(card.passed).toBe(card.total);
});
