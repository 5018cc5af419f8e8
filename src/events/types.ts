/** The six event types Scan Documents sends, grouped by resource, each in lifecycle order. */
export const EVENT_TYPES = [
  'file.created',
  'file.deleted',
  'task.created',
  'task.completed',
  'task.failed',
  'task.deleted',
] as const satisfies readonly string[];

export type EventType = (typeof EVENT_TYPES)[number];

/** The nine operations a Scan Documents task performs (task.* events carry one in `data.operation`). */
export const TASK_OPERATIONS = [
  'apply-effect',
  'warp',
  'convert',
  'render',
  'split',
  'merge',
  'extract-pages',
  'extract-text',
  'detect-documents',
] as const satisfies readonly string[];

export type TaskOperation = (typeof TASK_OPERATIONS)[number];

/** The envelope of every delivery: `{ id: "event_…", type, timestamp (ISO 8601), data }`. */
export interface ScanDocumentsEvent {
  id: string;
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

/** One entry of the catalog: a type, a named variant of its data, and what it shows. */
export interface FixtureInfo {
  type: EventType;
  variant: string;
  description: string;
  /** The variant sent when none is asked for. */
  isDefault: boolean;
}

export function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}

export function isTaskOperation(value: string): value is TaskOperation {
  return (TASK_OPERATIONS as readonly string[]).includes(value);
}
