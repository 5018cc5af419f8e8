/**
 * Scenarios: a task's life (or a user's own flow) as linked events, for `trigger` and for users' tests. A
 * built-in scenario is one lifecycle (`convert`, `convert-failed`, …); a flow is a list of steps, each a built-in
 * lifecycle or one event, whose changes may copy values from earlier steps (`"@task.created:data.id"`).
 */
import { InputError } from '../errors.js';
import { closestMatch } from '../util/closest.js';
import { copyFixture, listFixtures } from './catalog.js';
import { finishTimeline, planLifecycle, type PlannedEvent } from './lifecycle.js';
import { applyOverridesInPlace } from './overrides.js';
import { TASK_OPERATIONS, type ScanDocumentsEvent, type TaskOperation } from './types.js';

/** A user's flow (or a built-in scenario), as a flow file holds it. */
export interface ScenarioDefinition {
  name: string;
  description?: string;
  steps: readonly ScenarioStepSpec[];
}

/**
 * One step of a flow: a whole lifecycle (its events keep their step names, prefixed `name/` when the step is
 * named), or one event of a type and variant with fresh ids. `set` and `setNew` change fields as buildEvent()
 * does; a string value `"@<step>:<path>"` is that field of an earlier step's event (`"@@…"` is a literal `@…`).
 */
export type ScenarioStepSpec =
  | { lifecycle: string; failed?: boolean; name?: string }
  | { type: string; variant?: string; name?: string; set?: Readonly<Record<string, unknown>>; setNew?: Readonly<Record<string, unknown>> };

/** One event of a scenario, with the scenario and the step it belongs to (what trigger's reports name). */
export interface ScenarioEvent {
  scenario: string;
  step: string;
  event: ScanDocumentsEvent;
}

export interface ScenarioInfo {
  name: string;
  /** The steps in order, then what the task does. */
  description: string;
  operation: TaskOperation;
  failed: boolean;
}

/** The built-in scenarios: one per operation, named after it, and `<operation>-failed` for the failure path. */
export function listScenarios(): ScenarioInfo[] {
  return TASK_OPERATIONS.flatMap((operation) => [false, true].map((failed) => describeBuiltIn(operation, failed)));
}

function describeBuiltIn(operation: TaskOperation, failed: boolean): ScenarioInfo {
  const steps = planLifecycle(operation, failed).map(({ step, type }) => (type === 'file.created' ? `${type} (${step.replace(/-\d+$/, '')})` : type));
  const what = failed
    ? `the task fails: ${String((planLifecycle(operation, true).at(-1)!.data['result'] as { error: string }).error)}`
    : listFixtures().find((info) => info.type === 'task.completed' && info.variant === operation)!.description;
  return { name: failed ? `${operation}-failed` : operation, description: `${collapse(steps).join(' → ')}: ${what}`, operation, failed };
}

/** "file.created (generated) → file.created (generated)" reads as "file.created (generated) ×2". */
function collapse(steps: string[]): string[] {
  const out: string[] = [];
  for (const step of steps) {
    const last = out.at(-1);
    const match = last && /^(.*?)(?: ×(\d+))?$/.exec(last);
    if (match && match[1] === step) out[out.length - 1] = `${step} ×${Number(match[2] ?? 1) + 1}`;
    else out.push(step);
  }
  return out;
}

/** A built-in scenario by name, as a definition; an unknown name suggests the closest one. */
export function builtInScenario(name: string): ScenarioDefinition {
  const failed = name.endsWith('-failed');
  const operation = failed ? name.slice(0, -'-failed'.length) : name;
  if (!(TASK_OPERATIONS as readonly string[]).includes(operation)) {
    const names = listScenarios().map((info) => info.name);
    const guess = closestMatch(name, names);
    throw new InputError(
      'unknown-scenario',
      `unknown scenario "${name}": ${guess ? `did you mean "${guess}"? Built-in scenarios` : 'built-in scenarios'}: ${TASK_OPERATIONS.join(', ')}, each also as <name>-failed`,
    );
  }
  return { name, steps: [{ lifecycle: operation, failed }] };
}

/**
 * Checks a definition once and returns a function that builds its events afresh on each call (what trigger
 * --count calls once per round). Every problem a definition can have is found here, before anything is sent.
 */
export function scenarioBuilder(definition: ScenarioDefinition): (now?: Date) => ScenarioEvent[] {
  const { name } = definition;
  if (definition.steps.length === 0) throw invalid(name, 'has no steps: list at least one');
  const build = (now = new Date()): ScenarioEvent[] => {
    const planned: PlannedEvent[] = [];
    const changes: Array<{ index: number; spec: Extract<ScenarioStepSpec, { type: string }> }> = [];
    let second = -1;
    definition.steps.forEach((spec, index) => {
      const where = stepLabel(index, spec);
      if ('lifecycle' in spec) {
        const events = withContext(name, where, () => planLifecycle(spec.lifecycle, spec.failed ?? false));
        const offset = second + 1;
        for (const event of events) planned.push({ ...event, step: spec.name ? `${spec.name}/${event.step}` : event.step, second: event.second + offset });
        second = planned.at(-1)!.second;
      } else {
        const sample = withContext(name, where, () => copyFixture(spec.type, spec.variant));
        second += 1;
        planned.push({ step: spec.name ?? `step-${index + 1}`, type: sample.type, data: sample.data, second, ids: new Map() });
        if (spec.set || spec.setNew) changes.push({ index: planned.length - 1, spec });
      }
    });
    const steps = finishTimeline(planned, now.getTime());
    for (const { index, spec } of changes) {
      const earlier = steps.slice(0, index);
      const resolve = (values: Readonly<Record<string, unknown>> | undefined) =>
        values && Object.fromEntries(Object.entries(values).map(([path, value]) => [path, resolveReference(name, steps[index]!.step, value, earlier)]));
      withContext(name, `step "${steps[index]!.step}"`, () => applyOverridesInPlace(steps[index]!.event, resolve(spec.set) ?? [], resolve(spec.setNew) ?? []));
    }
    return steps.map(({ step, event }) => ({ scenario: name, step, event }));
  };
  checkStepNames(definition);
  build(); // every type, variant, lifecycle, change and reference is checked here
  return build;
}

function stepLabel(index: number, spec: ScenarioStepSpec): string {
  return `step ${index + 1}${spec.name ? ` ("${spec.name}")` : ''}`;
}

/** Step names must be unique, or references would be ambiguous. */
function checkStepNames(definition: ScenarioDefinition): void {
  const seen = new Map<string, number>();
  definition.steps.forEach((spec, index) => {
    const names = 'lifecycle' in spec ? safePlan(spec).map((step) => (spec.name ? `${spec.name}/${step}` : step)) : [spec.name ?? `step-${index + 1}`];
    for (const step of names) {
      const first = seen.get(step);
      if (first !== undefined) {
        const fix = 'lifecycle' in spec ? `give the lifecycle a name ("name": "…") so its steps are named <name>/${step}` : 'give the step another name';
        throw invalid(definition.name, `step ${index + 1} makes a step named "${step}", as step ${first + 1} does: ${fix}`);
      }
      seen.set(step, index);
    }
  });
}

function safePlan(spec: { lifecycle: string; failed?: boolean }): string[] {
  try {
    return planLifecycle(spec.lifecycle, spec.failed ?? false).map((event) => event.step);
  } catch {
    return []; // the build reports the bad lifecycle with its step
  }
}

/** A `"@<step>:<path>"` value: the field of an earlier step's event; any other value as it is. */
function resolveReference(scenario: string, step: string, value: unknown, earlier: ReadonlyArray<{ step: string; event: ScanDocumentsEvent }>): unknown {
  if (typeof value !== 'string' || !value.startsWith('@')) return value;
  if (value.startsWith('@@')) return value.slice(1);
  const colon = value.indexOf(':');
  const from = colon < 0 ? value.slice(1) : value.slice(1, colon);
  const path = colon < 0 ? '' : value.slice(colon + 1);
  const names = earlier.map((entry) => entry.step);
  const source = earlier.find((entry) => entry.step === from);
  if (!source) {
    const guess = closestMatch(from, names);
    const known = names.length === 0 ? 'there is no earlier step' : `earlier steps: ${names.join(', ')}`;
    throw invalid(scenario, `step "${step}": "${value}" refers to no earlier step "${from}": ${guess ? `did you mean "@${guess}:${path}"? ` : ''}(${known})`);
  }
  if (path === '') throw invalid(scenario, `step "${step}": "${value}" names no field: write "@${from}:data.id" (a path in that step's event)`);
  let node: unknown = source.event;
  for (const segment of path.split('.')) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, segment)) {
      const guess = closestMatch(path, pathsOf(source.event));
      throw invalid(scenario, `step "${step}": "${value}": step "${from}" has no ${path}${guess ? `: did you mean "@${from}:${guess}"?` : ''}`);
    }
    node = (node as Record<string, unknown>)[segment];
  }
  return structuredClone(node);
}

function pathsOf(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return [path, ...pathsOf(child, path)];
  });
}

/** Runs `action`, saying which scenario and step an InputError it throws is about. */
function withContext<T>(scenario: string, where: string, action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (!(error instanceof InputError) || error.code === 'invalid-scenario') throw error;
    throw invalid(scenario, `${where}: ${error.message}`);
  }
}

function invalid(scenario: string, message: string): InputError {
  return new InputError('invalid-scenario', `scenario "${scenario}" ${message}`);
}
