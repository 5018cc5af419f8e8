import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { applyOverrides, buildEvent, EVENT_TYPES, fixtures, listFixtures, newEventId, type ScanDocumentsEvent } from '../../src/events/index.js';
import * as library from '../../src/index.js';

const FILE_ID = /^file_[a-z0-9]{16}$/;
const TASK_ID = /^task_[a-z0-9]{16}$/;
const EVENT_ID = /^event_[a-z0-9]{16}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const OPERATIONS = ['warp', 'extract-text', 'convert', 'render', 'split', 'merge', 'extract-pages', 'detect-documents', 'apply-effect'];
const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'];

/** The shapes documented in scan-documents-events.md and the SDK's EventListResponse, checked field by field. */
function expectFileData(file: Record<string, any>, fromTask: boolean): void {
  expect(file.id).toMatch(FILE_ID);
  expect(typeof file.name).toBe('string');
  expect(file.name.length).toBeGreaterThan(0);
  if (file.type === 'application/pdf') {
    expect(Object.keys(file.properties).sort()).toEqual(['page_count', 'size']);
    expect(file.properties.page_count).toBeGreaterThan(0);
  } else {
    expect(IMAGE_TYPES).toContain(file.type);
    expect(Object.keys(file.properties).sort()).toEqual(['height', 'size', 'width']);
    expect(file.properties.width).toBeGreaterThan(0);
    expect(file.properties.height).toBeGreaterThan(0);
  }
  expect(file.properties.size).toBeGreaterThan(0);
  if (fromTask) expect(file.task_id).toMatch(TASK_ID);
  else expect(file.task_id === null || TASK_ID.test(file.task_id)).toBe(true);
}

function expectDocumentedShape(event: ScanDocumentsEvent, variant: string): void {
  expect(Object.keys(event)).toEqual(['id', 'type', 'timestamp', 'data']);
  expect(event.id).toMatch(EVENT_ID);
  expect(event.timestamp).toMatch(ISO);
  const data = event.data as Record<string, any>;
  switch (event.type) {
    case 'file.created':
      expect(Object.keys(data).sort()).toEqual(['id', 'name', 'properties', 'task_id', 'type']);
      // Issue 20: an upload has task_id null, a generated file its task's id.
      expectFileData(data, variant.endsWith('-generated'));
      if (!variant.endsWith('-generated')) expect(data.task_id).toBeNull();
      expect(data.type === 'application/pdf').toBe(variant.startsWith('pdf'));
      break;
    case 'file.deleted':
      expect(Object.keys(data).sort()).toEqual(['id', 'name', 'type']);
      expect(data.id).toMatch(FILE_ID);
      expect([...IMAGE_TYPES, 'application/pdf']).toContain(data.type);
      break;
    case 'task.created':
    case 'task.deleted':
      expect(Object.keys(data).sort()).toEqual(['id', 'operation']);
      expect(data.id).toMatch(TASK_ID);
      expect(OPERATIONS).toContain(data.operation);
      break;
    case 'task.completed':
      expect(Object.keys(data).sort()).toEqual(['id', 'operation', 'result']);
      expect(data.id).toMatch(TASK_ID);
      expect(data.operation).toBe(variant);
      if (variant === 'extract-text') {
        expect(Object.keys(data.result).sort()).toEqual(['content', 'format']);
        expect(['plain', 'markdown', 'html', 'json']).toContain(data.result.format);
        expect(data.result.content.length).toBeGreaterThan(0);
      } else if (variant === 'detect-documents') {
        expect(data.result.documents.length).toBeGreaterThan(0);
        for (const document of data.result.documents) {
          expect(Object.keys(document.bounding_box).sort()).toEqual(['height', 'left', 'top', 'width']);
          expect(document.vertices).toHaveLength(4);
          for (const vertex of document.vertices) expect(Object.keys(vertex).sort()).toEqual(['x', 'y']);
        }
      } else {
        expect(data.result.generated_files.length).toBeGreaterThan(0);
        for (const file of data.result.generated_files) {
          expectFileData(file, true);
          expect(file.task_id).toBe(data.id);
          expect(file.created_at).toMatch(ISO);
        }
      }
      break;
    case 'task.failed':
      expect(Object.keys(data).sort()).toEqual(['id', 'operation', 'result']);
      expect(data.id).toMatch(TASK_ID);
      expect(OPERATIONS).toContain(data.operation);
      expect(typeof data.result.error).toBe('string');
      expect(typeof data.result.details).toBe('object');
      break;
    default:
      throw new Error(`unexpected type ${event.type}`);
  }
}

function thrown(action: () => unknown): InputError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected an InputError');
}

describe('listFixtures()', () => {
  it('lists every event type, each with exactly one default variant, in EVENT_TYPES order', () => {
    const list = listFixtures();
    expect([...new Set(list.map((f) => f.type))]).toEqual([...EVENT_TYPES]);
    for (const type of EVENT_TYPES) expect(list.filter((f) => f.type === type && f.isDefault)).toHaveLength(1);
    for (const f of list) expect(f.description.length).toBeGreaterThan(10);
  });

  it('includes the variants the docs distinguish: image and pdf files, text, documents and generated files', () => {
    const variants = (type: string) => listFixtures().filter((f) => f.type === type).map((f) => f.variant);
    // Issue 20: the whole union, uploads and generated files, and a task.completed per operation.
    expect(variants('file.created')).toEqual(['image', 'pdf', 'image-generated', 'pdf-generated']);
    expect([...variants('task.completed')].sort()).toEqual([...OPERATIONS].sort());
    expect(listFixtures().find((f) => f.type === 'task.completed' && f.isDefault)?.variant).toBe('extract-text');
  });

  it('names a fixture file for every entry and an entry for every fixture file', () => {
    const dir = new URL('../../fixtures/', import.meta.url);
    const files = readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((d) => readdirSync(new URL(`${d.name}/`, dir)).map((file) => `${d.name}/${file}`));
    expect(files.sort()).toEqual(listFixtures().map((f) => `${f.type}/${f.variant}.json`).sort());
  });

  it('returns copies that callers cannot use to change the catalog', () => {
    listFixtures()[0]!.variant = 'changed';
    expect(listFixtures()[0]!.variant).toBe('image');
  });
});

describe('buildEvent(type, { variant })', () => {
  for (const { type, variant } of listFixtures()) {
    it(`buildEvent('${type}', { variant: '${variant}' }) matches the documented shape`, () => {
      expectDocumentedShape(buildEvent(type, { variant }), variant);
    });
  }

  it('buildEvent(type) without a variant builds the default one', () => {
    expect((buildEvent('file.created').data as any).type).toBe('image/jpeg');
    expect((buildEvent('task.completed').data as any).operation).toBe('extract-text');
  });

  it('gives each call a fresh event id and the current time', () => {
    const before = Date.now();
    const ids = new Set(Array.from({ length: 50 }, () => buildEvent('task.created').id));
    expect(ids.size).toBe(50);
    const stamp = Date.parse(buildEvent('task.created').timestamp);
    expect(stamp).toBeGreaterThanOrEqual(before);
    expect(stamp).toBeLessThanOrEqual(Date.now());
  });

  it('takes the timestamp from now and the id from id', () => {
    const event = buildEvent('file.deleted', { now: new Date('2026-01-02T03:04:05.678Z'), id: 'event_aaaaaaaaaaaaaaaa' });
    expect(event.timestamp).toBe('2026-01-02T03:04:05.678Z');
    expect(event.id).toBe('event_aaaaaaaaaaaaaaaa');
  });

  it('deep-copies the fixture, so changing one event never changes the next', () => {
    const first = buildEvent('task.completed', { variant: 'convert' }) as any;
    first.data.result.generated_files[0].name = 'mutated.png';
    first.data.id = 'task_mutated';
    const second = buildEvent('task.completed', { variant: 'convert' }) as any;
    expect(second.data.result.generated_files[0].name).toBe('receipt-2025-04-12.png');
    expect(second.data.id).toBe('task_t6qd5sijztj65s5g');
  });

  it('buildEvent("task.complete") suggests "task.completed" and lists the valid types', () => {
    const error = thrown(() => buildEvent('task.complete'));
    expect(error.code).toBe('unknown-event-type');
    expect(error.message).toBe(
      'unknown event type "task.complete": did you mean "task.completed"? Valid types: file.created, file.deleted, task.created, task.completed, task.failed, task.deleted',
    );
  });

  it('buildEvent("file_created") suggests "file.created"; a word far from every type gets the list only', () => {
    expect(thrown(() => buildEvent('file_created')).message).toContain('did you mean "file.created"?');
    const error = thrown(() => buildEvent('invoice.paid'));
    expect(error.message).not.toContain('did you mean');
    expect(error.message).toContain('valid types: file.created, file.deleted');
  });

  it('buildEvent(type, { variant: unknown }) lists the valid variants of that type, default marked', () => {
    const error = thrown(() => buildEvent('task.completed', { variant: 'detect-document' }));
    expect(error.code).toBe('unknown-variant');
    expect(error.message).toBe(
      'unknown variant "detect-document" of task.completed: did you mean "detect-documents"? Valid variants: extract-text (default), detect-documents, convert, apply-effect, warp, render, split, merge, extract-pages',
    );
    expect(thrown(() => buildEvent('file.deleted', { variant: 'pdf' })).message).toContain('valid variants: default (default)');
  });

  it('applies set after the id and timestamp, so both can be overridden too', () => {
    const event = buildEvent('task.failed', { set: ['id=event_bbbbbbbbbbbbbbbb', 'timestamp=2020-01-01T00:00:00.000Z'] });
    expect(event.id).toBe('event_bbbbbbbbbbbbbbbb');
    expect(event.timestamp).toBe('2020-01-01T00:00:00.000Z');
  });
});

describe('applyOverrides(event, set)', () => {
  const base = () => buildEvent('task.completed', { variant: 'convert', id: 'event_cccccccccccccccc', now: new Date(0) });

  it('sets a string, and parses numbers, booleans, null, objects and quoted strings as JSON', () => {
    const event = applyOverrides(base(), [
      'data.operation=split',
    ], [
      'data.name=report.pdf',
      'data.count=3',
      'data.flag=true',
      'data.nothing=null',
      'data.object={"a":1,"b":[2]}',
      'data.quoted="42"',
      'data.empty=',
      'data.equation=a=b',
    ]) as any;
    expect(event.data.operation).toBe('split');
    expect(event.data.name).toBe('report.pdf');
    expect(event.data.count).toBe(3);
    expect(event.data.flag).toBe(true);
    expect(event.data.nothing).toBeNull();
    expect(event.data.object).toEqual({ a: 1, b: [2] });
    expect(event.data.quoted).toBe('42');
    expect(event.data.empty).toBe('');
    expect(event.data.equation).toBe('a=b');
  });

  it('follows nested paths and array indexes; setNew creates missing objects on the way and may append', () => {
    const event = applyOverrides(
      base(),
      ['data.result.generated_files.0.name=x.png', 'data.result.generated_files.0.properties.size=7'],
      ['data.result.generated_files.1.name=second.png', 'data.extra.deep.value=1'],
    ) as any;
    expect(event.data.result.generated_files[0].name).toBe('x.png');
    expect(event.data.result.generated_files[0].properties).toEqual({ size: 7, width: 1536, height: 2048 });
    expect(event.data.result.generated_files[1]).toEqual({ name: 'second.png' });
    expect(event.data.extra).toEqual({ deep: { value: 1 } });
  });

  it('returns a copy and leaves the event it was given unchanged', () => {
    const original = base();
    const snapshot = structuredClone(original);
    const changed = applyOverrides(original, ['data.operation=split']);
    expect(original).toEqual(snapshot);
    expect(changed).not.toBe(original);
    expect((changed.data as any).operation).toBe('split');
  });

  it.each([
    ['data.name', 'has no "="'],
    ['=x', 'has an empty path'],
    ['data..name=x', 'has an empty segment'],
    ['data.name.first=x', 'data.name is the string "receipt-2025-04-12.jpg"'],
    ['data.result.generated_files.name=x', 'must be an index'],
    ['data.result.generated_files.5.name=x', 'index 5 is past the end of data.result.generated_files (length 1: indexes 0 to 0)'],
    ['data.result.generated_files.1.name=x', 'index 1 is past the end of data.result.generated_files (length 1: indexes 0 to 0); setNew data.result.generated_files.1=… appends'],
    ['data.operatoin=split', 'the event has no data.operatoin: did you mean data.operation? (use setNew data.operatoin=… to add a field)'],
    ['data.__proto__.polluted=1', '"__proto__" cannot be set'],
  ])('applyOverrides(event, ["%s"]) throws an InputError saying %s', (entry, expected) => {
    const event = entry.startsWith('data.name.') ? buildEvent('file.created') : base();
    const error = thrown(() => applyOverrides(event, [entry]));
    expect(error.code).toBe('invalid-override');
    expect(error.message).toContain(expected);
    expect(error.message).not.toContain('\n');
    if (!/generated_files|^data\.name\.|operatoin/.test(entry)) expect(error.message).toContain('path=value');
    expect(({} as any).polluted).toBeUndefined();
  });
});

describe('newEventId()', () => {
  it('returns event_ and 16 lowercase alphanumerics, different each time', () => {
    const ids = Array.from({ length: 200 }, () => newEventId());
    for (const id of ids) expect(id).toMatch(EVENT_ID);
    expect(new Set(ids).size).toBe(200);
  });
});

describe('the library entry point', () => {
  it('exports fixtures, buildEvent, listFixtures and EVENT_TYPES from src/index', () => {
    expect(library.fixtures).toBe(fixtures);
    expect(library.fixtures.types).toBe(EVENT_TYPES);
    expect(library.fixtures.list()).toEqual(listFixtures());
    expect(library.fixtures.build('file.deleted').type).toBe('file.deleted');
    expect(library.buildEvent).toBe(buildEvent);
    expect(library.EVENT_TYPES).toHaveLength(6);
  });
});
