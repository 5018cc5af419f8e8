// Issue 20 ("the union as data"): `events --schema`, warnings on hand-made events, and the validator (zod) loaded
// only by what validates: never by --help or plain trigger.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startServer, type TestServer } from '../helpers/server.js';

const TRACE_IMPORTS = fileURLToPath(new URL('../fixtures/trace-imports.mjs', import.meta.url));

let dir: string;
let server: TestServer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'events-schema-'));
  server = await startServer();
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** The validator's modules a run of the CLI loaded (zod, and our shape checker). */
async function validatorModulesLoaded(args: string[]): Promise<string[]> {
  const file = join(dir, `${args.join('-').replace(/\W+/g, '_')}.txt`);
  const { code, stderr } = await runCli(args, { env: { NODE_OPTIONS: `--import ${TRACE_IMPORTS}`, TRACE_IMPORTS_FILE: file } });
  expect(code, stderr).toBe(0);
  const loaded = (await readFile(file, 'utf8')).split('\n');
  expect(loaded.some((url) => url.endsWith('/bin/scandocs-webhooks.js'))).toBe(true); // the trace itself works
  return loaded.filter((url) => /\/node_modules\/zod\/|\/dist\/events\/(shape|schema)\.js$/.test(url));
}

describe('the validator is loaded only when something is validated', () => {
  it('--help loads no zod', async () => {
    expect(await validatorModulesLoaded(['--help'])).toEqual([]);
  });

  it('plain trigger and trigger --scenario load no zod', async () => {
    expect(await validatorModulesLoaded(['trigger', 'task.completed', '--url', server.url])).toEqual([]);
    expect(await validatorModulesLoaded(['trigger', '--scenario', 'convert', '--url', server.url])).toEqual([]);
  });

  it('trigger --set loads it, to warn (the trace sees what it guards against)', async () => {
    expect((await validatorModulesLoaded(['trigger', 'task.completed', '--set', 'data.result.format=html', '--url', server.url])).length).toBeGreaterThan(0);
  });
});

describe('scandocs-webhooks events --schema', () => {
  it('prints a JSON Schema of the union: one branch per type, the SDK\'s fields, strict objects', async () => {
    const { code, stdout, stderr } = await runCli(['events', '--schema']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const schema = JSON.parse(stdout);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.oneOf.map((branch: any) => branch.properties.type.const)).toEqual(['file.created', 'file.deleted', 'task.created', 'task.completed', 'task.failed', 'task.deleted']);
    const completed = schema.oneOf[3].properties.data.oneOf;
    expect(completed.map((branch: any) => branch.properties.operation.const).sort()).toEqual(
      ['apply-effect', 'convert', 'detect-documents', 'extract-pages', 'extract-text', 'merge', 'render', 'split', 'warp'],
    );
    expect(stdout).toContain('"additionalProperties": false');
  });

  it('--schema with a type is a usage error', async () => {
    const { code, stderr } = await runCli(['events', 'task.completed', '--schema']);
    expect(code).toBe(2);
    expect(stderr.trim()).toBe('error: --schema takes no type or other option: run it alone');
  });
});

describe('hand-made events that leave the known shape', () => {
  it('events --set-new data.result.pages=3 prints the event and warns on stderr, naming the field', async () => {
    const { code, stdout, stderr } = await runCli(['events', 'task.completed', '--set-new', 'data.result.pages=3']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).data.result.pages).toBe(3);
    expect(stderr).toBe('warning: task.completed: data.result.pages is not in the known shape: Scan Documents does not send this event (printed all the same)\n');
  });

  it('trigger --set with a wrong type warns once and still sends it', async () => {
    const before = server.requests.length;
    const { code, stderr } = await runCli(['trigger', 'file.created', '--variant', 'pdf', '--set', 'data.properties.page_count="12"', '--url', server.url]);
    expect(code).toBe(0);
    expect(stderr).toBe('warning: file.created: data.properties.page_count is a string ("12"), the known shape has a number: Scan Documents does not send this event (sent all the same)\n');
    expect(JSON.parse(server.requests[before]!.body.toString()).data.properties.page_count).toBe('12');
  });

  it('trigger --data with a body missing a field warns, naming it', async () => {
    const body = JSON.stringify({ id: 'event_x', type: 'task.created', timestamp: new Date().toISOString(), data: { id: 'task_x' } });
    const { code, stderr } = await runCli(['trigger', '--data', body, '--url', server.url]);
    expect(code).toBe(0);
    expect(stderr).toContain('warning: task.created: data.operation is missing: Scan Documents does not send this event (sent all the same)');
  });

  it('a --set that stays in the known shape prints no warning', async () => {
    const { code, stderr } = await runCli(['events', 'task.completed', '--set', 'data.result.format=html']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
  });
});
