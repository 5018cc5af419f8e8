/**
 * The library's types for the events Scan Documents sends, inferred from the one schema (schema.ts). Type-only
 * imports: using these types loads nothing at run time.
 */
import type { z } from 'zod';
import type { scanDocumentsEventSchema } from './schema.js';
import type { TaskOperation } from './types.js';

/** Any event Scan Documents sends, as its SDK types it: narrow it on `type` (and a task.completed on `data.operation`). */
export type KnownScanDocumentsEvent = z.infer<typeof scanDocumentsEventSchema>;

type OfType<Type extends KnownScanDocumentsEvent['type']> = Extract<KnownScanDocumentsEvent, { type: Type }>;

export type FileCreatedEvent = OfType<'file.created'>;
export type FileDeletedEvent = OfType<'file.deleted'>;
export type TaskCreatedEvent = OfType<'task.created'>;
export type TaskFailedEvent = OfType<'task.failed'>;
export type TaskDeletedEvent = OfType<'task.deleted'>;

/** A task.completed, narrowed by its operation: `TaskCompletedEvent<'split'>` has PDFs in `data.result.generated_files`. */
export type TaskCompletedEvent<Operation extends TaskOperation = TaskOperation> = Omit<OfType<'task.completed'>, 'data'> & {
  data: Extract<OfType<'task.completed'>['data'], { operation: Operation }>;
};

/** A file as a task.completed result lists it (image or PDF, with created_at and its task's id). */
export type GeneratedFile = Extract<TaskCompletedEvent['data']['result'], { generated_files: unknown }>['generated_files'][number];

/**
 * Whether a value is a member of the known union: `ok`, or where it departs from it, as a path the way overrides
 * name fields (`data.result.generated_files.0.name`) and a sentence naming that field.
 */
export type ShapeVerdict = { ok: true } | { ok: false; path: string; message: string };

/** parseEvent()'s answer: the typed event, or what does not match (the body may not even be JSON). */
export type ParsedEvent = { ok: true; event: KnownScanDocumentsEvent } | { ok: false; path: string; message: string };
