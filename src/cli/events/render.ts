import { listFixtures, listScenarios, type ScanDocumentsEvent } from '../../events/index.js';
import type { ShapeVerdict } from '../../events/known-events.js';
import { shapeWarning, warnLine } from '../shared/shape-text.js';
import type { Ui } from '../shared/ui.js';

/** One sample event: indented JSON with coloured keys, or with --json the event on one line. */
export function printEvent(ui: Ui, event: ScanDocumentsEvent): void {
  if (ui.json) ui.record(event);
  else ui.line(colorKeys(ui, JSON.stringify(event, null, 2)));
}

export function printCatalog(ui: Ui): void {
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

/** The built-in scenarios, a line each: name, then its steps and what the task does. */
export function printScenarios(ui: Ui): void {
  const scenarios = listScenarios();
  if (ui.json) {
    for (const scenario of scenarios) ui.record(scenario);
    return;
  }
  const { color } = ui;
  const width = Math.max(...scenarios.map((scenario) => scenario.name.length));
  for (const { name, description } of scenarios) ui.line(`${color.bold(name.padEnd(width))}  ${color.dim(description)}`);
  ui.line();
  ui.line(color.dim('send one: scandocs-webhooks trigger --scenario <name> --url <url>  ·  your own flow: --scenario @flow.json (see the README)'));
}

/** One line on stderr when an event changed by hand is not in the known shape. */
export function printShapeWarning(event: ScanDocumentsEvent, verdict: ShapeVerdict): void {
  if (!verdict.ok) warnLine(shapeWarning(verdict, typeof event.type === 'string' ? event.type : undefined, 'printed'));
}

/** Colours the keys of indented JSON; JSON.stringify puts each key first on its line and escapes newlines in values. */
function colorKeys(ui: Ui, json: string): string {
  if (ui.color.level === 0) return json;
  return json.replace(/^(\s*)("(?:[^"\\]|\\.)*")(: )/gm, (_, indent: string, key: string, colon: string) => `${indent}${ui.color.cyan(key)}${colon}`);
}
