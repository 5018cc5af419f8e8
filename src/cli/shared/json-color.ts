import type { ChalkInstance } from 'chalk';
import { escapeControl } from './text.js';

/** Indented JSON with keys, strings, numbers and literals in distinct colours (plain when colour is off). */
export function colorJson(value: unknown, color: ChalkInstance, indent = '  '): string {
  return render(value, color, indent, '');
}

function render(value: unknown, color: ChalkInstance, indent: string, pad: string): string {
  if (value === null) return color.magenta('null');
  // JSON.stringify escapes C0 controls but not DEL, C1 or bidi overrides, which a body may carry.
  if (typeof value === 'string') return color.green(escapeControl(JSON.stringify(value)));
  if (typeof value === 'number') return color.yellow(String(value));
  if (typeof value === 'boolean') return color.magenta(String(value));
  const inner = pad + indent;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => inner + render(v, color, indent, inner)).join(',\n')}\n${pad}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${color.cyan(escapeControl(JSON.stringify(k)))}: ${render(v, color, indent, inner)}`).join(',\n')}\n${pad}}`;
}
