// Issue 20 ("whole task lifecycles"): fresh events and one task's life as linked events.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { buildLifecycle, freshEvent, listFixtures, TASK_OPERATIONS, type LifecycleStep } from '../../src/events/index.js';
import * as library from '../../src/index.js';

const FILE_ID = /^file_[a-z0-9]{16}$/;
const TASK_ID = /^task_[a-z0-9]{16}$/;
const EVENT_ID = /^event_[a-z0-9]{16}$/;
const NOW = new Date('2026-03-01T12:00:00.000Z');

/** Every file or task id anywhere in a value. */
function idsIn(value: unknown): string[] {
  return [...JSON.stringify(value).matchAll(/"((?:file|task)_[a-z0-9]{16})"/g)].map((match) => match[1]!);
}

function data(step: LifecycleStep): Record<string, any> {
  return step.event.data as Record<string, any>;
}

describe('freshEvent(type, { variant, now })', () => {
  it.each(listFixtures().map((info) => [info.type, info.variant]))('freshEvent(%s, %s) renews every event, file and task id of the sample', (type, variant) => {
    const sample = library.buildEvent(type, { variant });
    const a = freshEvent(type, { variant, now: NOW });
    const b = freshEvent(type, { variant, now: NOW });
    expect(a.id).toMatch(EVENT_ID);
    expect(a.id).not.toBe(b.id);
    expect(a.timestamp).toBe(NOW.toISOString());
    expect(a.type).toBe(type);
    const sampleIds = new Set(idsIn(sample.data));
    for (const id of idsIn(a.data)) expect(sampleIds.has(id)).toBe(false);
    expect(idsIn(a.data).filter((id) => idsIn(b.data).includes(id))).toEqual([]);
    // The same sample id becomes the same fresh id: the shape of the links is kept.
    expect(new Set(idsIn(a.data)).size).toBe(sampleIds.size);
  });

  it('gives a task.completed\'s generated files its new task id, created just before the event', () => {
    const event = freshEvent('task.completed', { variant: 'render', now: NOW });
    const result = event.data as { id: string; result: { generated_files: Array<{ task_id: string; created_at: string; id: string }> } };
    expect(result.id).toMatch(TASK_ID);
    expect(result.result.generated_files).toHaveLength(2);
    for (const file of result.result.generated_files) {
      expect(file.task_id).toBe(result.id);
      expect(file.id).toMatch(FILE_ID);
      expect(Date.parse(file.created_at)).toBeLessThan(NOW.getTime());
      expect(NOW.getTime() - Date.parse(file.created_at)).toBeLessThan(10_000);
    }
  });

  it('throws the catalog\'s InputError for an unknown type or variant', () => {
    expect(() => freshEvent('task.complete')).toThrow(InputError);
    expect(() => freshEvent('task.completed', { variant: 'spilt' })).toThrow(/did you mean "split"/);
  });
});

describe('buildLifecycle(operation, { failed, now })', () => {
  it.each(TASK_OPERATIONS.map((operation) => [operation]))('buildLifecycle(%s) links upload -> task.created -> task.completed -> generated files', (operation) => {
    const steps = buildLifecycle(operation, { now: NOW });
    const uploads = steps.filter((step) => step.step.startsWith('upload'));
    const created = steps.find((step) => step.step === 'task.created')!;
    const completed = steps.find((step) => step.step === 'task.completed')!;
    const generated = steps.filter((step) => step.step.startsWith('generated'));
    // Order: uploads, created, completed, generated; nothing else.
    expect(steps.map((step) => step.step)).toEqual([...uploads, created, completed, ...generated].map((step) => step.step));
    expect(new Set(steps.map((step) => step.step)).size).toBe(steps.length);
    expect(uploads.length).toBe(operation === 'merge' ? 2 : 1);
    for (const upload of uploads) {
      expect(upload.event.type).toBe('file.created');
      expect(data(upload).task_id).toBeNull();
      expect(data(upload).id).toMatch(FILE_ID);
    }
    expect(created.event.type).toBe('task.created');
    expect(data(created)).toEqual({ id: expect.stringMatching(TASK_ID), operation });
    expect(completed.event.type).toBe('task.completed');
    expect(data(completed).id).toBe(data(created).id);
    expect(data(completed).operation).toBe(operation);
    const files: Array<Record<string, any>> = data(completed).result.generated_files ?? [];
    expect(generated.length).toBe(files.length);
    if (['apply-effect', 'warp', 'convert', 'render', 'split', 'merge', 'extract-pages'].includes(operation)) expect(files.length).toBeGreaterThan(0);
    files.forEach((file, i) => {
      const event = generated[i]!.event;
      expect(event.type).toBe('file.created');
      expect(event.data).toEqual({ id: file.id, name: file.name, type: file.type, properties: file.properties, task_id: data(created).id });
      expect(Date.parse(file.created_at)).toBeLessThanOrEqual(Date.parse(completed.event.timestamp));
    });
    // Timestamps: strictly increasing, whole seconds apart, the last at now.
    const times = steps.map((step) => Date.parse(step.event.timestamp));
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1000);
    expect(times.at(-1)).toBe(NOW.getTime());
    expect(new Set(steps.map((step) => step.event.id)).size).toBe(steps.length);
  });

  it('the failure path ends with task.failed of the same task, naming the uploaded input, and generates nothing', () => {
    const steps = buildLifecycle('render', { failed: true, now: NOW });
    expect(steps.map((step) => step.step)).toEqual(['upload', 'task.created', 'task.failed']);
    const [upload, created, failed] = steps as [LifecycleStep, LifecycleStep, LifecycleStep];
    expect(failed.event.type).toBe('task.failed');
    expect(data(failed).id).toBe(data(created).id);
    expect(data(failed).operation).toBe('render');
    expect(typeof data(failed).result.error).toBe('string');
    expect(data(failed).result.details.input).toBe(data(upload).id);
  });

  it('merge uploads two PDFs whose pages add up to the merged file', () => {
    const steps = buildLifecycle('merge', { now: NOW });
    expect(steps.map((step) => step.step)).toEqual(['upload-1', 'upload-2', 'task.created', 'task.completed', 'generated']);
    const pages = steps.slice(0, 2).reduce((sum, step) => sum + data(step).properties.page_count, 0);
    expect(data(steps[4]!).properties.page_count).toBe(pages);
  });

  it('split numbers its generated steps and makes one page per input page', () => {
    const steps = buildLifecycle('split', { now: NOW });
    expect(steps.map((step) => step.step)).toEqual(['upload', 'task.created', 'task.completed', 'generated-1', 'generated-2', 'generated-3']);
    expect(data(steps[0]!).properties.page_count).toBe(3);
  });

  it('gives every call fresh ids', () => {
    const a = idsIn(buildLifecycle('convert').map((step) => step.event));
    const b = idsIn(buildLifecycle('convert').map((step) => step.event));
    expect(a.filter((id) => b.includes(id))).toEqual([]);
  });

  it('an unknown operation names the closest one', () => {
    expect(() => buildLifecycle('extract-txt')).toThrow(/unknown operation "extract-txt": did you mean "extract-text"\?/);
  });

  it('is exported by the library', () => {
    expect(library.buildLifecycle).toBe(buildLifecycle);
    expect(library.freshEvent).toBe(freshEvent);
  });
});
