// Issue 20 ("the union as data"): one schema of the vendor's events validates every sample and lifecycle, and
// names the field a wrong event gets wrong.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { buildEvent, buildLifecycle, freshEvent, listFixtures, TASK_OPERATIONS } from '../../src/events/index.js';
import { checkShape, eventJsonSchema, isScanDocumentsEvent, parseEvent } from '../../src/events/shape.js';
import type { KnownScanDocumentsEvent, TaskCompletedEvent } from '../../src/events/known-events.js';
import * as library from '../../src/index.js';

/** The 17 shapes of the issue: 9 task.completed results, 4 file.created (image/PDF × upload/generated), 4 others. */
const SHAPES = [
  ...TASK_OPERATIONS.map((operation) => `task.completed ${operation}`),
  'file.created image',
  'file.created pdf',
  'file.created image-generated',
  'file.created pdf-generated',
  'file.deleted default',
  'task.created default',
  'task.deleted default',
  'task.failed default',
];

describe('the known union', () => {
  it('the catalog holds exactly the 17 shapes a handler must cope with', () => {
    expect(listFixtures().map((f) => `${f.type} ${f.variant}`).sort()).toEqual([...SHAPES].sort());
  });

  it.each(listFixtures().map((f) => [f.type, f.variant]))('checkShape(buildEvent(%s, %s)) and freshEvent() are members', (type, variant) => {
    expect(checkShape(buildEvent(type, { variant }))).toEqual({ ok: true });
    expect(checkShape(freshEvent(type, { variant }))).toEqual({ ok: true });
  });

  it.each(TASK_OPERATIONS.flatMap((operation) => [[operation, false], [operation, true]] as const))('every event of buildLifecycle(%s, { failed: %s }) is a member', (operation, failed) => {
    for (const { step, event } of buildLifecycle(operation, { failed })) expect({ step, verdict: checkShape(event) }).toEqual({ step, verdict: { ok: true } });
  });

  const planted: Array<[string, (event: any) => void, string, string]> = [
    ['a field the SDK does not have', (e) => (e.data.result.pages = 3), 'data.result.pages', 'data.result.pages is not in the known shape'],
    ['a missing field', (e) => delete e.data.result.format, 'data.result.format', 'data.result.format is missing'],
    ['a wrong type', (e) => (e.data.result.content = 42), 'data.result.content', 'data.result.content is a number (42), the known shape has a string'],
    ['an unknown format', (e) => (e.data.result.format = 'pdf'), 'data.result.format', 'data.result.format is "pdf", not one of the known values (plain, markdown, html, json)'],
    ['an unknown operation', (e) => (e.data.operation = 'ocr'), 'data.operation', 'data.operation is "ocr", not one of the known values'],
    ['an unknown type', (e) => (e.type = 'task.updated'), 'type', 'type is "task.updated", not one of the known values (file.created, file.deleted'],
    ['a null where the SDK has a string', (e) => (e.id = null), 'id', 'id is null, the known shape has a string'],
  ];
  it.each(planted)('names the field of %s', (_, plant, path, message) => {
    const event = buildEvent('task.completed', { variant: 'extract-text' });
    plant(event);
    const verdict = checkShape(event);
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.path).toBe(path);
    expect(verdict.message).toContain(message);
  });

  it('names fields inside generated files and narrows file.created by its type', () => {
    const split = buildEvent('task.completed', { variant: 'split' }) as any;
    split.data.result.generated_files[1].properties.width = 100;
    expect(checkShape(split)).toMatchObject({ ok: false, path: 'data.result.generated_files.1.properties.width' });
    const upload = buildEvent('file.created', { variant: 'pdf' }) as any;
    upload.data.type = 'image/png'; // an image must have width and height, not page_count
    expect(checkShape(upload)).toMatchObject({ ok: false, path: expect.stringMatching(/^data\.properties\./) });
    const generated = buildEvent('task.completed', { variant: 'convert' }) as any;
    generated.data.result.generated_files[0].task_id = null; // a generated file always has its task
    expect(checkShape(generated)).toMatchObject({ ok: false, path: 'data.result.generated_files.0.task_id', message: expect.stringContaining('is null') });
  });

  it('parseEvent() takes JSON text, bytes or a value and returns the typed event or what does not match', () => {
    const event = buildEvent('task.completed', { variant: 'split' });
    const text = JSON.stringify(event);
    for (const raw of [text, Buffer.from(text), new TextEncoder().encode(text), event]) {
      const parsed = parseEvent(raw);
      expect(parsed.ok).toBe(true);
      if (parsed.ok && parsed.event.type === 'task.completed' && parsed.event.data.operation === 'split') {
        expect(parsed.event.data.result.generated_files[0]!.properties.page_count).toBe(1);
      }
    }
    expect(parseEvent('{"id": ')).toMatchObject({ ok: false, path: '', message: expect.stringMatching(/^the body is not JSON/) });
    expect(parseEvent('[]')).toMatchObject({ ok: false, path: '' });
    expect(isScanDocumentsEvent(event)).toBe(true);
    expect(isScanDocumentsEvent({ ...event, extra: 1 })).toBe(false);
  });

  it('types narrow on type and data.operation', () => {
    const event = buildEvent('task.completed', { variant: 'merge' }) as unknown;
    if (isScanDocumentsEvent(event) && event.type === 'task.completed' && event.data.operation === 'merge') {
      expectTypeOf(event.data.result.generated_files[0]!.properties.page_count).toEqualTypeOf<number>();
    }
    expectTypeOf<TaskCompletedEvent<'extract-text'>['data']['result']['format']>().toEqualTypeOf<'plain' | 'markdown' | 'html' | 'json'>();
    expectTypeOf<Extract<KnownScanDocumentsEvent, { type: 'file.created' }>['data']['task_id']>().toEqualTypeOf<string | null>();
  });

  it('eventJsonSchema() is a JSON Schema with one branch per type, strict objects', () => {
    const schema = eventJsonSchema() as any;
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.oneOf.map((branch: any) => branch.properties.type.const)).toEqual(['file.created', 'file.deleted', 'task.created', 'task.completed', 'task.failed', 'task.deleted']);
    expect(schema.oneOf[0].additionalProperties).toBe(false);
    expect(JSON.stringify(schema)).toContain('"page_count"');
  });

  it('is exported by the library', () => {
    expect(library.parseEvent).toBe(parseEvent);
    expect(library.isScanDocumentsEvent).toBe(isScanDocumentsEvent);
    expect(library.eventJsonSchema).toBe(eventJsonSchema);
  });
});
