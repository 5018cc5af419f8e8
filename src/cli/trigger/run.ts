import { InputError } from '../../errors.js';
import { buildEvent, buildScenario, EVENT_TYPES } from '../../events/index.js';
import { loadShapeChecker } from '../../events/shape-loader.js';
import { shapeWarning, warnLine } from '../shared/shape-text.js';
import { trigger } from '../../delivery/trigger.js';
import { findUrlArgument } from '../delivery/flags.js';
import { parseCount, resolveDeliverySettings, runDeliveries } from '../delivery/run.js';
import { basename } from 'node:path';
import { parseScenarioFile } from '../../events/scenario-file.js';
import type { ScenarioDefinition } from '../../events/scenario.js';
import { readFileArgument, readPayload } from '../shared/inputs.js';
import { plural } from '../shared/text.js';
import { createUi } from '../shared/ui.js';
import type { DeliveryCommandOptions } from '../delivery/run.js';

export interface TriggerCommandOptions extends DeliveryCommandOptions {
  all?: boolean;
  scenario?: string;
  variant?: string;
  set?: string[];
  setNew?: string[];
  data?: string;
  raw?: boolean;
  count: string;
  duplicate?: boolean;
  shuffle?: boolean;
}

/** A bound on --count, so a typo cannot queue millions of deliveries. */
const MAX_COUNT = 100_000;

export async function runTrigger(types: string[], options: TriggerCommandOptions): Promise<number> {
  const ui = createUi(options);
  const urlArgument = findUrlArgument(types);
  // `trigger task.completed http://…` forgot --url: without this, it would go to the running listen instead.
  if (urlArgument !== undefined && options.url === undefined) {
    throw new InputError('usage', `"${urlArgument}" is an argument, but the endpoint goes in --url: did you mean --url ${urlArgument}?`);
  }
  // A scenario is checked alone (readScenario refuses types, --data and their options beside it).
  const scenario = options.scenario === undefined ? undefined : await readScenario(options.scenario, types, options);
  if (scenario === undefined && options.data === undefined) {
    if (options.all && types.length > 0) throw new InputError('usage', `pass event types or --all, not both (got --all and ${types.join(' ')})`);
    if (urlArgument !== undefined) throw new InputError('usage', `"${urlArgument}" is not an event type: did you mean --url ${urlArgument}? (drop it from the event types)`);
    if (!options.all && types.length === 0) {
      throw new InputError('usage', `name at least one event type (${EVENT_TYPES.join(', ')}), or --all, or --scenario convert, or --data @event.json`);
    }
  } else if (scenario === undefined && (types.length > 0 || options.all || options.variant !== undefined || options.set !== undefined || options.setNew !== undefined)) {
    throw new InputError('usage', '--data sends its own body as is: drop the event types, --all, --variant, --set and --set-new (edit the file instead)');
  }
  // After what to send: "no listen is running" is only worth saying about a command that is otherwise right.
  const settings = resolveDeliverySettings(options);
  const count = parseCount(options.count, '--count', MAX_COUNT);
  const data = options.data === undefined ? undefined : await readPayload(options.data, '--data');
  // "sending 40 events (each twice)" for 20 events read as 40 events sent twice: count the events, then the sends.
  const describe = ({ total }: { total: number }) => {
    const events = options.duplicate ? total / 2 : total;
    const twice = options.duplicate ? `, each twice with the same svix-id (${total} deliveries)` : '';
    return `sending ${plural(events, 'event', 'events')}${twice}${options.shuffle ? ', shuffled' : ''}`;
  };
  await warnHandMadeShapes(types, options, data, scenario);
  return runDeliveries('trigger', settings, ui, describe, (onReport, signal) =>
    trigger({
      ...settings.send,
      ...(scenario !== undefined
        ? { scenario }
        : data === undefined
          ? { types: options.all ? 'all' : types, variant: options.variant, set: options.set, setNew: options.setNew }
          : { data, raw: options.raw }),
      count,
      duplicate: options.duplicate,
      shuffle: options.shuffle,
      onReport,
      signal,
    }).catch((error: unknown) => {
      throw invalidJsonWithFlags(error, options.data!);
    }),
  );
}

/** --scenario NAME (a built-in) or --scenario @flow.json (a flow file), alone: a scenario makes its own events. */
async function readScenario(spec: string, types: string[], options: TriggerCommandOptions): Promise<string | ScenarioDefinition> {
  const others = [types.length > 0 && types.join(' '), options.all && '--all', options.data !== undefined && '--data', options.variant !== undefined && '--variant', options.set && '--set', options.setNew && '--set-new'].filter(Boolean);
  if (others.length > 0) throw new InputError('usage', `--scenario makes its own events: drop ${others.join(', ')} (a flow file can change fields with "set")`);
  if (!spec.startsWith('@')) return spec;
  const path = spec.slice(1);
  const text = (await readFileArgument(path, '--scenario', 'use --scenario @path/to/flow.json, or a built-in name')).toString('utf8');
  return parseScenarioFile(text, basename(path));
}

/**
 * Issue 20: an event changed by hand (--set, --set-new, --data, a flow's "set") that Scan Documents would never send
 * gets one warning line naming the field; it is sent all the same. Plain samples are members already, so plain
 * `trigger` never loads the validator.
 */
async function warnHandMadeShapes(types: string[], options: TriggerCommandOptions, data: Buffer | undefined, scenario: string | ScenarioDefinition | undefined): Promise<void> {
  let events: unknown[] = [];
  if (scenario !== undefined) {
    if (typeof scenario !== 'string' && scenario.steps.some((step) => 'set' in step || 'setNew' in step)) events = buildScenario(scenario).map(({ event }) => event);
  } else if (data !== undefined) {
    if (options.raw) return;
    try {
      events = [JSON.parse(data.toString('utf8'))];
    } catch {
      return; // trigger() says where the JSON breaks
    }
  } else if (options.set !== undefined || options.setNew !== undefined) {
    events = (options.all ? [...EVENT_TYPES] : types).map((type) => buildEvent(type, { variant: options.variant, set: options.set, setNew: options.setNew }));
  }
  if (events.length === 0) return;
  const { checkShape } = await loadShapeChecker();
  for (const event of events) {
    const verdict = checkShape(event);
    const type = (event as { type?: unknown } | null)?.type;
    if (!verdict.ok) warnLine(shapeWarning(verdict, typeof type === 'string' ? type : undefined, 'sent'));
  }
}

/** --data that is not JSON, said with the flag and where the bytes came from. */
function invalidJsonWithFlags(error: unknown, spec: string): unknown {
  if (!(error instanceof InputError) || error.details.kind !== 'invalid-json') return error;
  const source = spec === '-' ? '--data - (standard input)' : spec.startsWith('@') ? `--data file ${spec.slice(1)}` : '--data';
  return new InputError('invalid-payload', `${source} is not valid JSON${error.details.where} (${error.details.reason}): fix it, or add --raw to send it anyway`);
}
