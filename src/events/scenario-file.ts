/**
 * A flow file: a user's own scenario as JSON. Everything wrong with one is an InputError that says where (the line
 * and column of a JSON syntax error, the step and key of a bad step) and how to fix it.
 */
import { InputError } from '../errors.js';
import { closestMatch } from '../util/closest.js';
import type { ScenarioDefinition, ScenarioStepSpec } from './scenario.js';
import { describeJsonError } from '../util/json-error-offset.js';

const FILE_KEYS = ['description', 'steps'];
const LIFECYCLE_KEYS = ['lifecycle', 'failed', 'name'];
const EVENT_KEYS = ['type', 'variant', 'name', 'set', 'setNew'];

/** Reads a flow file's text; `name` (the file's name) names the scenario in reports and messages. */
export function parseScenarioFile(text: string, name: string): ScenarioDefinition {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const { reason, where } = describeJsonError(text, error);
    throw bad(name, `is not valid JSON${where} (${reason})`);
  }
  if (!isRecord(value)) throw bad(name, `must be a JSON object with "steps": [ … ] (got ${describe(value)})`);
  checkKeys(name, 'the file', value, FILE_KEYS);
  if (value['description'] !== undefined && typeof value['description'] !== 'string') throw bad(name, `"description" must be a string`);
  if (!Array.isArray(value['steps'])) throw bad(name, `needs "steps": a list of steps, e.g. [{ "lifecycle": "convert" }, { "type": "task.deleted", "set": { "data.id": "@task.created:data.id" } }]`);
  const steps = value['steps'].map((step, index) => parseStep(name, step, index));
  return { name, ...(typeof value['description'] === 'string' ? { description: value['description'] } : {}), steps };
}

function parseStep(file: string, step: unknown, index: number): ScenarioStepSpec {
  const where = `step ${index + 1}`;
  if (!isRecord(step)) throw bad(file, `${where} must be an object such as { "lifecycle": "convert" } or { "type": "task.deleted" } (got ${describe(step)})`);
  if (step['name'] !== undefined && (typeof step['name'] !== 'string' || !/^[A-Za-z0-9._-]+$/.test(step['name']))) {
    throw bad(file, `${where}: "name" must be letters, digits, dots, dashes or underscores (got ${describe(step['name'])})`);
  }
  if ('lifecycle' in step) {
    checkKeys(file, where, step, LIFECYCLE_KEYS);
    if (typeof step['lifecycle'] !== 'string') throw bad(file, `${where}: "lifecycle" must name an operation, e.g. "convert"`);
    if (step['failed'] !== undefined && typeof step['failed'] !== 'boolean') throw bad(file, `${where}: "failed" must be true or false`);
    return { lifecycle: step['lifecycle'], ...(step['failed'] !== undefined && { failed: step['failed'] as boolean }), ...(step['name'] !== undefined && { name: step['name'] as string }) };
  }
  if (!('type' in step)) {
    const guess = closestMatch(Object.keys(step)[0] ?? '', ['lifecycle', 'type']);
    throw bad(file, `${where} needs "lifecycle" (a whole task's life) or "type" (one event)${guess ? `: did you mean "${guess}"?` : ''}`);
  }
  checkKeys(file, where, step, EVENT_KEYS);
  if (typeof step['type'] !== 'string') throw bad(file, `${where}: "type" must be an event type, e.g. "task.deleted"`);
  if (step['variant'] !== undefined && typeof step['variant'] !== 'string') throw bad(file, `${where}: "variant" must be a string`);
  for (const key of ['set', 'setNew'] as const) {
    if (step[key] !== undefined && !isRecord(step[key])) throw bad(file, `${where}: "${key}" must be an object of path: value, e.g. { "data.id": "@task.created:data.id" }`);
  }
  const spec: ScenarioStepSpec = { type: step['type'] };
  if (typeof step['variant'] === 'string') spec.variant = step['variant'];
  if (typeof step['name'] === 'string') spec.name = step['name'];
  if (isRecord(step['set'])) spec.set = step['set'];
  if (isRecord(step['setNew'])) spec.setNew = step['setNew'];
  return spec;
}

function checkKeys(file: string, where: string, value: Record<string, unknown>, allowed: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (allowed.includes(key)) continue;
    const guess = closestMatch(key, allowed);
    throw bad(file, `${where} has an unknown key "${key}": ${guess ? `did you mean "${guess}"? ` : ''}(known: ${allowed.join(', ')})`);
  }
}

function bad(file: string, message: string): InputError {
  return new InputError('invalid-scenario', `scenario file ${file} ${message}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return typeof value === 'string' ? JSON.stringify(value) : typeof value;
}
