import { Option, type Command } from 'commander';
import { collect } from '../shared/collect.js';
import { addDeliveryOptions } from '../delivery/flags.js';
import type { TriggerCommandOptions } from './run.js';

export function defineTrigger(command: Command): void {
  command
    .argument('[types...]', 'event types to send, e.g. task.completed file.created (see `scandocs-webhooks events`)')
    .option('--all', 'send one event of every type')
    .option('--scenario <name|@flow.json>', "send a task's whole life as linked events: a built-in (convert, split, convert-failed, …; see `scandocs-webhooks events --scenarios`) or your flow file")
    .option('--variant <name>', 'which sample of the type to send (see `scandocs-webhooks events`)')
    .option('--set <path=value>', 'change a field of the event, e.g. --set data.name=report.pdf (repeatable; JSON values parse; the path must exist)', collect)
    .option('--set-new <path=value>', 'add a field the sample event does not have, e.g. --set-new data.custom=1 (repeatable)', collect)
    .option('-d, --data <json|@file|->', 'send this body byte for byte instead of a sample event: literal text, @file, or - for stdin')
    .option('--raw', 'with --data: send the body even when it is not JSON')
    .addOption(new Option('--count <n>', 'send n events of each type, or the scenario n times (fresh ids)').default('1'))
    .option('--duplicate', 'send every event twice with the same svix-id, as an at-least-once sender may')
    .option('--shuffle', 'send the batch out of order');
  addDeliveryOptions(command)
    .addHelpText(
      'after',
      `
Examples:
  $ scandocs-webhooks trigger task.completed --url http://127.0.0.1:3000/webhooks
  $ scandocs-webhooks trigger --all --url http://127.0.0.1:3000/webhooks --json
  $ scandocs-webhooks trigger file.created --variant pdf --set data.name=report.pdf --url http://127.0.0.1:3000/webhooks
  $ scandocs-webhooks trigger --data @event.json --url http://127.0.0.1:3000/webhooks --schedule 0,1s,2s,4s
  $ scandocs-webhooks trigger --scenario convert --shuffle --url http://127.0.0.1:3000/webhooks
  $ scandocs-webhooks trigger --scenario @flow.json --url http://127.0.0.1:3000/webhooks
  $ scandocs-webhooks trigger task.failed --count 20 --duplicate --shuffle --concurrency 5 --url http://127.0.0.1:3000/webhooks

Retries follow production (0, 5s, 5m, 30m, 2h, 5h, 10h, 10h, ±20% jitter; timeouts and 429 wait ≥ 60 s;
Retry-After honoured within [delay, 2×delay]; "webhook-delivery: abort-message" stops), compressed ÷10000.
Exit codes: 0 every event delivered, 1 a delivery finally failed, 2 usage error.`,
    )
    .action(async (types: string[], options: TriggerCommandOptions) => {
      const { runTrigger } = await import('./run.js');
      process.exitCode = await runTrigger(types, options);
    });
}
