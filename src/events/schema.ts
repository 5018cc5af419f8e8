/**
 * The union of the events Scan Documents sends, as data: the one source of the library's event types, of the
 * validation of samples and lifecycles, of the warnings on hand-made events, of listen's drift marks and of
 * `events --schema`. Transcribed from the vendor's Node SDK (Scan-Documents/node-sdk, src/resources/events.ts,
 * with the generated files of image-operations.ts and pdf-operations.ts): field names, literal values and which
 * fields may be null are the SDK's. Objects are strict, because a field the SDK does not know is exactly what a
 * handler must hear about (a vendor change). Loading zod costs tens of milliseconds: only shape.ts imports this
 * module, and only code that validates imports shape.ts (types come through `import type`, which costs nothing).
 */
import { z } from 'zod';

export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;
export const PDF_TYPE = 'application/pdf';
const OPERATIONS = ['warp', 'extract-text', 'convert', 'render', 'split', 'merge', 'extract-pages', 'detect-documents', 'apply-effect'] as const;

const imageProperties = z.strictObject({ height: z.number(), size: z.number(), width: z.number() });
const pdfProperties = z.strictObject({ page_count: z.number(), size: z.number() });

// file.created: an upload (task_id null) or a file a task generated; an image or a PDF.
const fileCreatedImage = z.strictObject({ id: z.string(), name: z.string(), properties: imageProperties, task_id: z.string().nullable(), type: z.enum(IMAGE_TYPES) });
const fileCreatedPdf = z.strictObject({ id: z.string(), name: z.string(), properties: pdfProperties, task_id: z.string().nullable(), type: z.literal(PDF_TYPE) });

// A file in a task.completed result: as above, with created_at, and always its task's id.
const generatedImage = z.strictObject({ id: z.string(), created_at: z.string(), name: z.string(), properties: imageProperties, task_id: z.string(), type: z.enum(IMAGE_TYPES) });
const generatedPdf = z.strictObject({ id: z.string(), created_at: z.string(), name: z.string(), properties: pdfProperties, task_id: z.string(), type: z.literal(PDF_TYPE) });

const point = z.strictObject({ x: z.number(), y: z.number() });
const boundingBox = z.strictObject({ height: z.number(), left: z.number(), top: z.number(), width: z.number() });

function completed<Operation extends (typeof OPERATIONS)[number], Result extends z.ZodType>(operation: Operation, result: Result) {
  return z.strictObject({ id: z.string(), operation: z.literal(operation), result });
}
const images = z.strictObject({ generated_files: z.array(generatedImage) });
const pdfs = z.strictObject({ generated_files: z.array(generatedPdf) });

function envelope<Type extends string, Data extends z.ZodType>(type: Type, data: Data) {
  return z.strictObject({ id: z.string(), type: z.literal(type), timestamp: z.string(), data });
}

export const taskOperationSchema = z.enum(OPERATIONS);

export const fileCreatedEventSchema = envelope('file.created', z.discriminatedUnion('type', [fileCreatedImage, fileCreatedPdf]));
export const fileDeletedEventSchema = envelope('file.deleted', z.strictObject({ id: z.string(), name: z.string(), type: z.enum([...IMAGE_TYPES, PDF_TYPE]) }));
export const taskCreatedEventSchema = envelope('task.created', z.strictObject({ id: z.string(), operation: taskOperationSchema }));
export const taskDeletedEventSchema = envelope('task.deleted', z.strictObject({ id: z.string(), operation: taskOperationSchema }));
export const taskFailedEventSchema = envelope(
  'task.failed',
  z.strictObject({ id: z.string(), operation: taskOperationSchema, result: z.strictObject({ details: z.record(z.string(), z.unknown()), error: z.string() }) }),
);
export const taskCompletedEventSchema = envelope(
  'task.completed',
  z.discriminatedUnion('operation', [
    completed('apply-effect', images),
    completed('detect-documents', z.strictObject({ documents: z.array(z.strictObject({ bounding_box: boundingBox, vertices: z.array(point) })) })),
    completed('warp', images),
    completed('extract-text', z.strictObject({ content: z.string(), format: z.enum(['plain', 'markdown', 'html', 'json']) })),
    completed('convert', images),
    completed('render', images),
    completed('split', pdfs),
    completed('merge', pdfs),
    completed('extract-pages', pdfs),
  ]),
);

/** Every event Scan Documents sends, told apart by `type`. */
export const scanDocumentsEventSchema = z.discriminatedUnion('type', [
  fileCreatedEventSchema,
  fileDeletedEventSchema,
  taskCreatedEventSchema,
  taskCompletedEventSchema,
  taskFailedEventSchema,
  taskDeletedEventSchema,
]);
