// Issue 20 ("whole lifecycles: trigger --scenario"): every built-in scenario's events, sent by the real CLI to a
// real endpoint that verifies them with svix, link as Scan Documents links them.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'svix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listScenarios, TASK_OPERATIONS } from '../../src/events/index.js';
import { checkShape } from '../../src/events/shape.js';
import { trigger, buildScenario, parseScenarioFile } from '../../src/index.js';
import { DEFAULT_TEST_SECRET } from '../../src/signature/index.js';
import { runCli } from '../helpers/cli.js';
import { startServer, type TestServer } from '../helpers/server.js';

const dir = mkdtempSync(join(tmpdir(), 'scandocs-scenario-'));
type Event = { id: string; type: string; timestamp: string; data: Record<string, any> };

/** A receiving endpoint that verifies every delivery with svix and keeps the events in arrival order. */
let receiver: TestServer & { events: Array<{ svixId: string; event: Event }> };
beforeAll(async () => {
  const webhook = new Webhook(DEFAULT_TEST_SECRET);
  const events: Array<{ svixId: string; event: Event }> = [];
  const server = await startServer((req, res) => {
    try {
      const event = webhook.verify(req.body.toString('utf8'), req.headers as Record<string, string>) as Event;
      events.push({ svixId: String(req.headers['svix-id']), event });
      res.end('ok');
    } catch (error) {
      res.statusCode = 401;
      res.end(String(error));
    }
  });
  receiver = Object.assign(server, { events });
});
afterAll(() => receiver.close());

function take(): Event[] {
  return receiver.events.splice(0).map(({ event }) => event);
}

/** Map.groupBy, which Node 20 lacks. */
function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

const records = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, any>);

/** The links of one task's life, whatever order the events arrived in. */
function expectLinkedLifecycle(events: Event[], operation: string, failed: boolean): void {
  const sorted = [...events].sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
  const uploads = sorted.filter((e) => e.type === 'file.created' && e.data.task_id === null);
  const created = sorted.filter((e) => e.type === 'task.created');
  const ended = sorted.filter((e) => e.type === (failed ? 'task.failed' : 'task.completed'));
  const generated = sorted.filter((e) => e.type === 'file.created' && e.data.task_id !== null);
  expect(uploads.length).toBe(operation === 'merge' ? 2 : 1);
  expect(created).toHaveLength(1);
  expect(ended).toHaveLength(1);
  expect(sorted.map((e) => e.type)).toEqual([...uploads, ...created, ...ended, ...generated].map((e) => e.type));
  const task = created[0]!.data;
  expect(task.operation).toBe(operation);
  expect(ended[0]!.data.id).toBe(task.id);
  expect(ended[0]!.data.operation).toBe(operation);
  const files: Array<Record<string, any>> = failed ? [] : ended[0]!.data.result.generated_files ?? [];
  expect(generated).toHaveLength(files.length);
  files.forEach((file, i) => expect(generated[i]!.data).toEqual({ id: file.id, name: file.name, type: file.type, properties: file.properties, task_id: task.id }));
  if (failed) expect(uploads.map((u) => u.data.id)).toContain(ended[0]!.data.result.details.input);
  for (const event of sorted) expect(checkShape(event)).toEqual({ ok: true });
  const times = sorted.map((e) => Date.parse(e.timestamp));
  expect(new Set(times).size).toBe(times.length); // seconds apart, none equal
}

describe('trigger --scenario <built-in>', () => {
  it.each(listScenarios().map((s) => [s.name, s.operation, s.failed] as const))(
    'trigger --scenario %s delivers one task\'s life, linked and verified, each --json attempt naming its step',
    async (name, operation, failed) => {
      const { code, stdout, stderr } = await runCli(['trigger', '--scenario', name, '--url', receiver.url, '--json']);
      expect(code, stderr).toBe(0);
      const events = take();
      expectLinkedLifecycle(events, operation, failed);
      const attempts = records(stdout).filter((r) => r.type === 'attempt');
      expect(attempts).toHaveLength(events.length);
      expect(attempts.every((a) => a.scenario === name)).toBe(true);
      expect(attempts.map((a) => a.step)).toEqual(buildScenario(name).map((e) => e.step));
      expect(attempts.map((a) => a.eventId)).toEqual(events.map((e) => e.id));
    },
  );

  it('--count 3 --shuffle --duplicate --concurrency 4: three lifecycles with fresh ids, out of order, each event twice', async () => {
    const { code, stdout, stderr } = await runCli(['trigger', '--scenario', 'split', '--count', '3', '--shuffle', '--duplicate', '--concurrency', '4', '--url', receiver.url, '--json']);
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/sending 18 events \(scenario split, 3 runs\), each twice with the same svix-id \(36 deliveries\), shuffled/);
    const received = receiver.events.splice(0);
    expect(received).toHaveLength(36);
    // Each svix-id arrived twice, with the same event.
    const bySvixId = groupBy(received, (r) => r.svixId);
    expect([...bySvixId.values()].every((copies) => copies.length === 2 && copies[0]!.event.id === copies[1]!.event.id)).toBe(true);
    const unique = [...bySvixId.values()].map((copies) => copies[0]!.event);
    const tasks = groupBy(unique, (e) => (e.type.startsWith('task.') ? e.data.id : e.data.task_id ?? e.data.id));
    const byTask = [...new Set(unique.filter((e) => e.type === 'task.created').map((e) => e.data.id))];
    expect(byTask).toHaveLength(3);
    for (const taskId of byTask) {
      const generated = tasks.get(taskId)!.filter((e) => e.type === 'file.created');
      const completed = tasks.get(taskId)!.find((e) => e.type === 'task.completed')!;
      expect(generated.map((e) => e.data.id).sort()).toEqual(completed.data.result.generated_files.map((f: { id: string }) => f.id).sort());
    }
    // Shuffled: the arrival order is not the lifecycle order.
    const arrival = unique.map((e) => Date.parse(e.timestamp));
    expect(arrival).not.toEqual([...arrival].sort((a, b) => a - b));
    const attempts = records(stdout).filter((r) => r.type === 'attempt');
    expect(attempts.every((a) => a.scenario === 'split' && typeof a.step === 'string')).toBe(true);
  });

  it('retries a scenario\'s events on the schedule like any event, naming the step in each attempt', async () => {
    let calls = 0;
    const flaky = await startServer((_req, res) => {
      calls++;
      res.statusCode = calls === 2 ? 500 : 200;
      res.end();
    });
    try {
      const { code, stdout } = await runCli(['trigger', '--scenario', 'extract-text', '--schedule', '0,10ms', '--url', flaky.url, '--json']);
      expect(code).toBe(0);
      const attempts = records(stdout).filter((r) => r.type === 'attempt');
      const retried = attempts.filter((a) => a.attempt === 2);
      expect(retried).toHaveLength(1);
      expect(retried[0]).toMatchObject({ scenario: 'extract-text', step: 'task.created', outcome: 'success' });
    } finally {
      await flaky.close();
    }
  });

  it('an unknown scenario names the closest built-in, exit 2, nothing sent', async () => {
    const { code, stderr } = await runCli(['trigger', '--scenario', 'convrt', '--url', receiver.url]);
    expect(code).toBe(2);
    expect(stderr.trim()).toMatch(/^error: unknown scenario "convrt": did you mean "convert"\?/);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(take()).toEqual([]);
  });

  it('--scenario with event types or --set is a usage error', async () => {
    const { code, stderr } = await runCli(['trigger', 'task.created', '--scenario', 'convert', '--set', 'data.id=x', '--url', receiver.url]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--scenario makes its own events: drop task\.created, --set/);
  });
});

describe('trigger --scenario @flow.json', () => {
  const flow = {
    description: 'convert a receipt, then clean up after it',
    steps: [
      { lifecycle: 'convert' },
      { name: 'forget-task', type: 'task.deleted', set: { 'data.id': '@task.created:data.id', 'data.operation': '@task.created:data.operation' } },
      { name: 'forget-png', type: 'file.deleted', set: { 'data.id': '@generated:data.id', 'data.name': '@generated:data.name', 'data.type': '@generated:data.type' } },
    ],
  };

  it('sends the steps in order, with references resolved to the ids made by earlier steps', async () => {
    const path = join(dir, 'cleanup.json');
    writeFileSync(path, JSON.stringify(flow, null, 2));
    const { code, stdout, stderr } = await runCli(['trigger', '--scenario', `@${path}`, '--url', receiver.url, '--json']);
    expect(code, stderr).toBe(0);
    expect(stderr).not.toMatch(/warning/);
    const events = take();
    expect(events.map((e) => e.type)).toEqual(['file.created', 'task.created', 'task.completed', 'file.created', 'task.deleted', 'file.deleted']);
    const [, created, completed, generated, deletedTask, deletedFile] = events as [Event, Event, Event, Event, Event, Event];
    expect(deletedTask.data).toEqual({ id: created.data.id, operation: 'convert' });
    expect(deletedFile.data).toEqual({ id: generated.data.id, name: generated.data.name, type: 'image/png' });
    expect(completed.data.result.generated_files[0].id).toBe(generated.data.id);
    const steps = records(stdout).filter((r) => r.type === 'attempt').map((r) => `${r.scenario}:${r.step}`);
    expect(steps).toEqual(['cleanup.json:upload', 'cleanup.json:task.created', 'cleanup.json:task.completed', 'cleanup.json:generated', 'cleanup.json:forget-task', 'cleanup.json:forget-png']);
  });

  it("the README's flow file runs as printed", async () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const block = /\*\*Your own flows\.\*\*[\s\S]*?```json\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const path = join(dir, 'flow.json');
    writeFileSync(path, block!);
    const { code, stderr } = await runCli(['trigger', '--scenario', `@${path}`, '--url', receiver.url]);
    expect(code, stderr).toBe(0);
    const events = take();
    expect(events.map((e) => e.type)).toEqual(['file.created', 'task.created', 'task.completed', 'file.created', 'task.deleted', 'file.deleted']);
    expect(events[4]!.data.id).toBe(events[1]!.data.id);
    expect(events[5]!.data.id).toBe(events[3]!.data.id);
  });

  it('a malformed flow file gets an error with its line and column, exit 2', async () => {
    const path = join(dir, 'broken.json');
    writeFileSync(path, '{\n  "steps": [\n    { "lifecycle": "convert" }\n    { "type": "task.deleted" }\n  ]\n}\n');
    const { code, stderr } = await runCli(['trigger', '--scenario', `@${path}`, '--url', receiver.url]);
    expect(code).toBe(2);
    expect(stderr.trim()).toMatch(/^error: scenario file broken\.json is not valid JSON at line 4, column 5 /);
    expect(take()).toEqual([]);
  });

  it('a flow file whose error V8 gives no position for still gets its line and column, on one line', async () => {
    // Node 20 says "Unexpected token '}', "{\n  "steps"... is not valid JSON": no offset, and the quoted text
    // holds line breaks. The message is the one --data gets (util/json-error-offset.ts).
    const path = join(dir, 'unexpected.json');
    writeFileSync(path, '{\n  "steps": [\n    }\n');
    const { code, stderr } = await runCli(['trigger', '--scenario', `@${path}`, '--url', receiver.url]);
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr.trim()).toMatch(/^error: scenario file unexpected\.json is not valid JSON at line 3, column 5 \(Unexpected token '}'\)$/);
    expect(take()).toEqual([]);
  });

  it('an unknown reference names the closest earlier step, exit 2, nothing sent', async () => {
    const path = join(dir, 'typo.json');
    writeFileSync(path, JSON.stringify({ steps: [{ lifecycle: 'convert' }, { type: 'task.deleted', set: { 'data.id': '@task.create:data.id' } }] }));
    const { code, stderr } = await runCli(['trigger', '--scenario', `@${path}`, '--url', receiver.url]);
    expect(code).toBe(2);
    expect(stderr.trim()).toMatch(/"@task\.create:data\.id" refers to no earlier step "task\.create": did you mean "@task\.created:data\.id"\?/);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(take()).toEqual([]);
  });

  it('a step that leaves the known shape warns with one line naming the field, and is sent all the same', async () => {
    const path = join(dir, 'drift.json');
    writeFileSync(path, JSON.stringify({ steps: [{ type: 'task.created', setNew: { 'data.priority': 'high' } }] }));
    const { code, stderr } = await runCli(['trigger', '--scenario', `@${path}`, '--url', receiver.url]);
    expect(code).toBe(0);
    expect(stderr).toContain('warning: task.created: data.priority is not in the known shape: Scan Documents does not send this event (sent all the same)');
    expect(take().map((e) => e.data.priority)).toEqual(['high']);
  });
});

describe('the library', () => {
  it("trigger({ scenario: 'convert', url }) sends the lifecycle; buildScenario() builds it without sending", async () => {
    const result = await trigger({ scenario: 'convert', url: receiver.url, secret: DEFAULT_TEST_SECRET });
    expect(result.deliveries.map((d) => [d.step, d.delivered])).toEqual([
      ['upload', true],
      ['task.created', true],
      ['task.completed', true],
      ['generated', true],
    ]);
    expectLinkedLifecycle(take(), 'convert', false);
    const built = buildScenario('convert-failed');
    expect(built.map((e) => e.event.type)).toEqual(['file.created', 'task.created', 'task.failed']);
    const own = parseScenarioFile(JSON.stringify({ steps: [{ lifecycle: 'merge', name: 'm' }] }), 'mine');
    expect(buildScenario(own).map((e) => e.step)).toEqual(['m/upload-1', 'm/upload-2', 'm/task.created', 'm/task.completed', 'm/generated']);
    expect(take()).toEqual([]);
  });

  it('every operation has its two scenarios', () => {
    expect(listScenarios().map((s) => s.name).sort()).toEqual(TASK_OPERATIONS.flatMap((op) => [op, `${op}-failed`]).sort());
  });
});
