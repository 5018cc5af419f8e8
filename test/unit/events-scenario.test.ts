// Issue 20 ("trigger --scenario"): scenarios as data, flow files, and the text builder trigger sends from.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { buildScenario, listScenarios, parseScenarioFile } from '../../src/events/index.js';
import { builtInScenario, scenarioBuilder } from '../../src/events/scenario.js';
import { scenarioTextBuilder } from '../../src/events/scenario-text.js';
import { checkShape } from '../../src/events/shape.js';

const NOW = new Date('2026-05-01T10:00:00.250Z');

function message(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error('expected an InputError');
}

describe('scenarioTextBuilder(definition)', () => {
  it.each(listScenarios().map((s) => [s.name]))('%s: each call renews every id and date, keeping the links of one build', (name) => {
    const build = scenarioTextBuilder(builtInScenario(name));
    const objects = scenarioBuilder(builtInScenario(name))(NOW);
    const first = build(NOW);
    const second = build(NOW);
    expect(first.map((e) => e.step)).toEqual(objects.map((e) => e.step));
    const parsed = first.map((e) => JSON.parse(e.text));
    // Same shape as the object builder, ids and dates aside; every event a member of the union.
    const blank = (value: unknown) => JSON.stringify(value).replace(/"(event|file|task)_[a-z0-9]{16}"/g, '"ID"');
    expect(parsed.map(blank)).toEqual(objects.map((e) => blank(e.event)));
    expect(parsed.map((e) => e.timestamp)).toEqual(objects.map((e) => e.event.timestamp));
    for (const event of parsed) expect(checkShape(event)).toEqual({ ok: true });
    expect(first.map((e) => e.id)).toEqual(parsed.map((e) => e.id));
    // Links: the task id of task.created is the one of the completed/failed event and of every generated file.
    const taskId = parsed.find((e) => e.type === 'task.created').data.id;
    for (const event of parsed.filter((e) => e.type.startsWith('task.'))) expect(event.data.id).toBe(taskId);
    for (const event of parsed.filter((e) => e.type === 'file.created' && e.data.task_id !== null)) expect(event.data.task_id).toBe(taskId);
    // Fresh on every call.
    const ids = (texts: typeof first) => new Set(texts.flatMap((e) => [...e.text.matchAll(/"((?:event|file|task)_[a-z0-9]{16})"/g)].map((m) => m[1])));
    const overlap = [...ids(first)].filter((id) => ids(second).has(id));
    expect(overlap).toEqual([]);
  });

  it('keeps the values a flow fixes, and renews what references copy', () => {
    const flow = parseScenarioFile(
      JSON.stringify({
        steps: [
          { lifecycle: 'convert' },
          { name: 'cleanup', type: 'file.deleted', set: { 'data.id': '@generated:data.id', 'data.name': 'fixed-name.png', timestamp: '2020-01-01T00:00:00.000Z' } },
        ],
      }),
      'flow.json',
    );
    const build = scenarioTextBuilder(flow);
    for (const round of [build(NOW), build(NOW)]) {
      const events = round.map((e) => JSON.parse(e.text));
      expect(events[4].data.id).toBe(events[3].data.id);
      expect(events[4].data.name).toBe('fixed-name.png');
      expect(events[4].timestamp).toBe('2020-01-01T00:00:00.000Z');
    }
  });
});

describe('buildScenario(name | definition)', () => {
  it('builds without sending: the last event at now, whole seconds apart', () => {
    const events = buildScenario('render', { now: NOW });
    expect(events.map((e) => e.step)).toEqual(['upload', 'task.created', 'task.completed', 'generated-1', 'generated-2']);
    expect(events.at(-1)!.event.timestamp).toBe(NOW.toISOString());
    expect(events.every((e) => e.scenario === 'render')).toBe(true);
  });

  it('an unknown name suggests the closest built-in', () => {
    expect(message(() => buildScenario('split-faild'))).toMatch(/^unknown scenario "split-faild": did you mean "split-failed"\?/);
  });
});

describe('parseScenarioFile(text, name)', () => {
  it.each([
    ['{"steps": [', /^scenario file f\.json is not valid JSON/],
    ['[]', /must be a JSON object with "steps"/],
    ['{"step": []}', /the file has an unknown key "step": did you mean "steps"\?/],
    ['{"steps": [{"lifecycel": "convert"}]}', /step 1 needs "lifecycle" \(a whole task's life\) or "type" \(one event\): did you mean "lifecycle"\?/],
    ['{"steps": [{"type": "task.deleted", "sett": {}}]}', /step 1 has an unknown key "sett": did you mean "set"\?/],
    ['{"steps": [{"type": "task.deleted", "set": ["data.id=x"]}]}', /step 1: "set" must be an object of path: value/],
    ['{"steps": [{"lifecycle": "convert", "failed": "yes"}]}', /step 1: "failed" must be true or false/],
  ])('%s is refused with a message that says where', (text, pattern) => {
    expect(message(() => parseScenarioFile(text, 'f.json'))).toMatch(pattern);
  });

  it('names the step of a bad type, variant, operation or reference, before anything is built', () => {
    const check = (steps: unknown[]) => message(() => scenarioBuilder(parseScenarioFile(JSON.stringify({ steps }), 'f.json')));
    expect(check([{ type: 'task.complete' }])).toMatch(/^scenario "f\.json" step 1: unknown event type "task.complete": did you mean "task.completed"\?/);
    expect(check([{ lifecycle: 'conver' }])).toMatch(/^scenario "f\.json" step 1: unknown operation "conver": did you mean "convert"\?/);
    expect(check([{ lifecycle: 'convert' }, { type: 'task.deleted', set: { 'data.id': '@task.created:data.idd' } }])).toMatch(
      /step "step-2": "@task\.created:data\.idd": step "task\.created" has no data\.idd: did you mean "@task\.created:data\.id"\?/,
    );
    expect(check([{ type: 'task.deleted', set: { 'data.id': '@later:data.id' } }, { name: 'later', type: 'task.created' }])).toMatch(/refers to no earlier step "later"/);
    expect(check([{ lifecycle: 'convert' }, { lifecycle: 'split' }])).toMatch(/step 2 makes a step named "upload", as step 1 does: give the lifecycle a name/);
    expect(check([])).toMatch(/has no steps/);
  });

  it('"@@…" is a literal value starting with @', () => {
    const events = buildScenario(parseScenarioFile(JSON.stringify({ steps: [{ type: 'file.deleted', set: { 'data.name': '@@handle.png' } }] }), 'f.json'));
    expect(events[0]!.event.data['name']).toBe('@handle.png');
  });
});
