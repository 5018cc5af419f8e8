import type { Command } from 'commander';
import { collect } from '../shared/collect.js';
import type { EventsCommandOptions } from './run.js';

export function defineEvents(command: Command): void {
  command
    .argument('[type]', 'an event type, e.g. task.completed: print its sample event as JSON')
    .option('--variant <name>', 'which sample of the type to print (see the list; default: the one marked default)')
    .option('--set <path=value>', 'change a field of the sample, e.g. --set data.name=report.pdf (repeatable; JSON values parse; the path must exist)', collect)
    .option('--set-new <path=value>', 'add a field the sample does not have, e.g. --set-new data.custom=1 (repeatable)', collect)
    .option('--scenarios', "list the built-in scenarios (a task's whole life as linked events) that trigger --scenario sends")
    .option('--schema', 'print the JSON Schema of every event Scan Documents sends, for your own validator')
    .option('--json', 'one JSON object per line: each catalog entry or scenario, or the sample event on one line')
    .addHelpText(
      'after',
      `
Examples:
  $ scandocs-webhooks events                                     every type and variant, with what it shows
  $ scandocs-webhooks events task.completed --variant convert    the sample event, as indented JSON
  $ scandocs-webhooks events --scenarios                         convert, split, …, each also as <name>-failed
  $ scandocs-webhooks events --schema > scan-documents-events.schema.json
  $ scandocs-webhooks events file.created --set data.properties.size=0 > event.json
  $ scandocs-webhooks sign --payload @event.json --curl http://localhost:3000/webhooks | sh

Exit codes: 0 success (a --set that leaves the known shape warns on stderr), 2 unknown type or variant, or a malformed --set.`,
    )
    .action(async (type: string | undefined, options: EventsCommandOptions) => {
      const { runEvents } = await import('./run.js');
      process.exitCode = await runEvents(type, options);
    });
}
