import { InputError } from '../../errors.js';
import { buildEvent, listFixtures } from '../../events/index.js';
import type { EventsCommandOptions } from './flags.js';
import { EXIT_OK } from '../shared/errors.js';
import { createUi, type Ui } from '../shared/ui.js';

export function runEvents(type: string | undefined, options: EventsCommandOptions): number {
  const ui = createUi(options);
  if (type === undefined) {
    if (options.variant !== undefined || options.set !== undefined) {
      throw new InputError('usage', 'name the event type first, e.g. scandocs-webhooks events task.completed --variant convert');
    }
    printCatalog(ui);
  } else {
    const event = buildEvent(type, { variant: options.variant, set: options.set });
    if (ui.json) ui.record(event);
    else ui.line(colorKeys(ui, JSON.stringify(event, null, 2)));
  }
  return EXIT_OK;
}

function printCatalog(ui: Ui): void {
  const entries = listFixtures();
  if (ui.json) {
    for (const entry of entries) ui.record(entry);
    return;
  }
  const { color } = ui;
  // A type with a single sample names it "default" already; saying "default (default)" would be noise.
  const variantLabel = (variant: string, isDefault: boolean) => (isDefault && variant !== 'default' ? `${variant} (default)` : variant);
  const typeWidth = Math.max(...entries.map((entry) => entry.type.length));
  const variantWidth = Math.max(...entries.map((entry) => variantLabel(entry.variant, entry.isDefault).length));
  for (const { type, variant, description, isDefault } of entries) {
    // Pad before colouring: escape codes would otherwise count towards the column width.
    const label = variantLabel(variant, isDefault).padEnd(variantWidth);
    ui.line(`${color.bold(type.padEnd(typeWidth))}  ${isDefault ? color.cyan(label) : label}  ${color.dim(description)}`);
  }
  ui.line();
  ui.line(color.dim('print one: scandocs-webhooks events <type> [--variant <name>]  ·  send one: scandocs-webhooks trigger <type> --url <url>'));
}

/** Colours the keys of indented JSON; JSON.stringify puts each key first on its line and escapes newlines in values. */
function colorKeys(ui: Ui, json: string): string {
  if (ui.color.level === 0) return json;
  return json.replace(/^(\s*)("(?:[^"\\]|\\.)*")(: )/gm, (_, indent: string, key: string, colon: string) => `${indent}${ui.color.cyan(key)}${colon}`);
}
