import { readFileSync } from 'node:fs';
import { InputError } from '../errors.js';
import { closestMatch } from '../util/closest.js';
import { EVENT_TYPES, isEventType, type EventType, type FixtureInfo, type ScanDocumentsEvent } from './types.js';

/** The repo's fixtures/ folder; the same relative path holds from src/events/ (tests) and dist/events/ (CLI). */
const FIXTURES_DIR = new URL('../../fixtures/', import.meta.url);

interface CatalogEntry extends FixtureInfo {
  /** The fixture event as JSON text: parsing it is the cheapest deep copy (a third of structuredClone's cost). */
  text: string;
}

let cache: CatalogEntry[] | undefined;

/** Reads fixtures/index.json and every event it names, once; a broken catalog is a bug, so it throws plainly. */
function loadCatalog(): CatalogEntry[] {
  if (cache) return cache;
  const index = readJson('index.json') as { fixtures: Array<{ type: string; variant: string; description: string; default?: boolean }> };
  const entries = index.fixtures.map((raw): CatalogEntry => {
    if (!isEventType(raw.type)) throw new Error(`fixtures/index.json lists unknown event type "${raw.type}"`);
    const event = readJson(`${raw.type}/${raw.variant}.json`) as ScanDocumentsEvent;
    if (event.type !== raw.type) throw new Error(`fixtures/${raw.type}/${raw.variant}.json has type "${event.type}"`);
    return { type: raw.type, variant: raw.variant, description: raw.description, isDefault: raw.default === true, text: JSON.stringify(event) };
  });
  for (const type of EVENT_TYPES) {
    const defaults = entries.filter((entry) => entry.type === type && entry.isDefault).length;
    if (defaults !== 1) throw new Error(`fixtures/index.json must mark exactly one default variant of ${type}, found ${defaults}`);
  }
  // Catalog order follows EVENT_TYPES, the default variant first, then the index's order.
  const rank = (entry: CatalogEntry) => EVENT_TYPES.indexOf(entry.type) * 2 + (entry.isDefault ? 0 : 1);
  cache = entries.map((entry, i) => ({ entry, i })).sort((a, b) => rank(a.entry) - rank(b.entry) || a.i - b.i).map(({ entry }) => entry);
  return cache;
}

/** A JSON file of the fixtures folder, parsed (internal: the catalog and the lifecycles read their data here). */
export function readJson(relativePath: string): unknown {
  return JSON.parse(readFileSync(new URL(relativePath, FIXTURES_DIR), 'utf8'));
}

/** Every type and variant in the catalog, with its one-line description. */
export function listFixtures(): FixtureInfo[] {
  return loadCatalog().map(({ type, variant, description, isDefault }) => ({ type, variant, description, isDefault }));
}

/** A fresh deep copy of the fixture event for a type and variant (the default one when no variant is given). */
export function copyFixture(type: string, variant?: string): ScanDocumentsEvent {
  const eventType = resolveEventType(type);
  const variants = loadCatalog().filter((entry) => entry.type === eventType);
  const found = variant === undefined ? variants.find((entry) => entry.isDefault) : variants.find((entry) => entry.variant === variant);
  if (!found) {
    const names = variants.map((entry) => (entry.isDefault ? `${entry.variant} (default)` : entry.variant));
    const guess = closestMatch(variant ?? '', variants.map((entry) => entry.variant));
    const hint = guess ? `did you mean "${guess}"? Valid variants` : 'valid variants';
    throw new InputError('unknown-variant', `unknown variant "${variant}" of ${eventType}: ${hint}: ${names.join(', ')}`);
  }
  return JSON.parse(found.text) as ScanDocumentsEvent;
}

/** Checks a type name the user typed, suggesting the closest valid one. */
export function resolveEventType(type: string): EventType {
  if (isEventType(type)) return type;
  const guess = closestMatch(type, EVENT_TYPES);
  const hint = guess ? `did you mean "${guess}"? Valid types` : 'valid types';
  throw new InputError('unknown-event-type', `unknown event type "${type}": ${hint}: ${EVENT_TYPES.join(', ')}`);
}
