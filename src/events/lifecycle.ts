/**
 * Fresh events and whole task lifecycles. A sample's ids are sample ids: a handler that dedupes on `data.id`, or
 * links a file to its task, must see new ones on every run, and within one event or one lifecycle the same sample
 * id must become the same fresh id (a task.completed's generated files carry its new task id).
 */
import { InputError } from '../errors.js';
import { closestMatch } from '../util/closest.js';
import { copyFixture, readJson } from './catalog.js';
import { newEventId, newResourceId, RESOURCE_ID_PATTERN } from './event-id.js';
import { TASK_OPERATIONS, isTaskOperation, type ScanDocumentsEvent, type TaskOperation } from './types.js';

export interface FreshEventOptions {
  /** A named variant of the type's data (see listFixtures); the type's default otherwise. */
  variant?: string;
  /** The event's timestamp (default: now); dates inside the data move with it. */
  now?: Date;
}

export interface LifecycleOptions {
  /** The failure path: task.failed instead of task.completed, and no generated files. */
  failed?: boolean;
  /** When the last event happens (default: now); the earlier ones are seconds before it. */
  now?: Date;
}

/**
 * One event of a task's life. Step names are unique within a lifecycle: `upload` (`upload-1`, `upload-2`, … when
 * the task takes several files, as merge does), `task.created`, `task.completed` or `task.failed`, then
 * `generated` (`generated-1`, … when it makes several).
 */
export interface LifecycleStep {
  step: string;
  event: ScanDocumentsEvent;
}

/** fixtures/lifecycles.json: per operation, what is uploaded, how long the task runs, how it fails. */
interface LifecycleData {
  inputs: Array<Record<string, unknown>>;
  seconds: number;
  failure: { error: string; details: Record<string, unknown> };
}

let lifecycles: Record<TaskOperation, LifecycleData> | undefined;

function lifecycleData(operation: TaskOperation): LifecycleData {
  lifecycles ??= (readJson('lifecycles.json') as { operations: Record<TaskOperation, LifecycleData> }).operations;
  const data = lifecycles[operation];
  if (!data) throw new Error(`fixtures/lifecycles.json has no entry for ${operation}`);
  return data;
}

/** A sample event of `type` with a fresh event id, fresh file and task ids, and `now` as its timestamp. */
export function freshEvent(type: string, options: FreshEventOptions = {}): ScanDocumentsEvent {
  const now = options.now ?? new Date();
  const event = copyFixture(type, options.variant);
  const shiftMs = now.getTime() - Date.parse(event.timestamp);
  event.id = newEventId();
  event.timestamp = now.toISOString();
  event.data = refreshIds(event.data, new Map(), shiftMs) as Record<string, unknown>;
  return event;
}

/**
 * One task's life as Scan Documents emits it, in order: the upload of its input (`file.created`, task_id null),
 * `task.created`, `task.completed` (or `task.failed`) with the same task id, then one `file.created` per generated
 * file with the same id, name, type and properties as in the result. Ids are fresh on every call; timestamps
 * follow the steps, seconds apart, the last one at `now`.
 */
export function buildLifecycle(operation: string, options: LifecycleOptions = {}): LifecycleStep[] {
  return finishTimeline(planLifecycle(operation, options.failed ?? false), (options.now ?? new Date()).getTime());
}

/** An event of a timeline before its ids are renewed and its time set: `second` counts from the timeline's start. */
export interface PlannedEvent {
  step: string;
  type: string;
  data: Record<string, unknown>;
  second: number;
  /** The sample ids of the events sharing a map become the same fresh ids (one lifecycle shares one). */
  ids: Map<string, string>;
}

/** A lifecycle's events with sample ids and times in seconds from its first event (internal: scenarios compose these). */
export function planLifecycle(operation: string, failed: boolean): PlannedEvent[] {
  const op = resolveOperation(operation);
  const data = lifecycleData(op);
  const completed = copyFixture('task.completed', op).data as { id: string; operation: string; result: Record<string, unknown> };
  const ids = new Map<string, string>();
  const planned: PlannedEvent[] = [];
  let second = 0;
  data.inputs.forEach((input, i) => {
    planned.push({ step: numbered('upload', i, data.inputs.length), type: 'file.created', data: structuredClone(input), second, ids });
    second += 1;
  });
  second += 1;
  planned.push({ step: 'task.created', type: 'task.created', data: { id: completed.id, operation: op }, second, ids });
  second += data.seconds;
  if (failed) {
    planned.push({ step: 'task.failed', type: 'task.failed', data: { id: completed.id, operation: op, result: structuredClone(data.failure) }, second, ids });
    return planned;
  }
  planned.push({ step: 'task.completed', type: 'task.completed', data: completed, second, ids });
  const files = generatedFiles(completed.result);
  files.forEach((file, i) => {
    second += 1;
    const { id, name, type, properties, task_id } = file;
    planned.push({ step: numbered('generated', i, files.length), type: 'file.created', data: { id, name, type, properties: structuredClone(properties), task_id }, second, ids });
  });
  return planned;
}

/**
 * The planned events as events: fresh event ids, fresh file and task ids (per map), timestamps whole seconds
 * apart with the last at `nowMs`. A generated file is created a second before its task is reported complete.
 */
export function finishTimeline(planned: readonly PlannedEvent[], nowMs: number): LifecycleStep[] {
  const startMs = nowMs - (planned.at(-1)?.second ?? 0) * 1000;
  return planned.map(({ step, type, data, second, ids }) => {
    const atMs = startMs + second * 1000;
    const fresh = refreshIds(data, ids, 0) as Record<string, unknown>;
    if (type === 'task.completed' && isRecord(fresh['result'])) {
      const createdAt = new Date(atMs - 1000).toISOString();
      for (const file of generatedFiles(fresh['result'])) file['created_at'] = createdAt;
    }
    return { step, event: { id: newEventId(), type, timestamp: new Date(atMs).toISOString(), data: fresh } };
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The operations a lifecycle can be built for: all nine. */
export const LIFECYCLE_OPERATIONS: readonly TaskOperation[] = TASK_OPERATIONS;

/** Checks an operation name the user typed, suggesting the closest valid one. */
export function resolveOperation(operation: string): TaskOperation {
  if (isTaskOperation(operation)) return operation;
  const guess = closestMatch(operation, TASK_OPERATIONS);
  const hint = guess ? `did you mean "${guess}"? Valid operations` : 'valid operations';
  throw new InputError('unknown-operation', `unknown operation "${operation}": ${hint}: ${TASK_OPERATIONS.join(', ')}`);
}

function numbered(name: string, index: number, total: number): string {
  return total === 1 ? name : `${name}-${index + 1}`;
}

function generatedFiles(result: Record<string, unknown>): Array<Record<string, unknown>> {
  return Array.isArray(result['generated_files']) ? (result['generated_files'] as Array<Record<string, unknown>>) : [];
}

/**
 * A copy of `value` where every sample file or task id is replaced by its fresh id in `ids` (made on first
 * sight), and every `created_at` date is moved by `shiftMs`.
 */
function refreshIds(value: unknown, ids: Map<string, string>, shiftMs: number, key?: string): unknown {
  if (typeof value === 'string') {
    if (RESOURCE_ID_PATTERN.test(value)) {
      let fresh = ids.get(value);
      if (fresh === undefined) ids.set(value, (fresh = newResourceId(value.startsWith('file_') ? 'file' : 'task')));
      return fresh;
    }
    if (key === 'created_at' && shiftMs !== 0) {
      const ms = Date.parse(value);
      return Number.isNaN(ms) ? value : new Date(ms + shiftMs).toISOString();
    }
    return value;
  }
  if (Array.isArray(value)) return value.map((item) => refreshIds(item, ids, shiftMs));
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [childKey, child] of Object.entries(value)) copy[childKey] = refreshIds(child, ids, shiftMs, childKey);
    return copy;
  }
  return value;
}
