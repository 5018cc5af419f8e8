import { Option, type Command } from 'commander';
import { collect } from '../shared/collect.js';
import type { VerifyCommandOptions } from './run.js';

export function defineVerify(command: Command): void {
  command
    .requiredOption('-p, --payload <text|@file|->', 'the raw body (literal text, @file, or - for standard input) (required)')
    .option('-s, --secret <whsec_…|whpk_…>', 'endpoint secret (repeat for key rotation; default: $SCANDOCS_WEBHOOK_SECRET, else the test secret)', collect)
    .option('-H, --header <"name: value">', 'a request header, e.g. "svix-id: msg_…" (repeatable)', collect)
    .option('--headers <@file|->', 'a raw HTTP header dump, as copied from a log or the browser')
    .option('--id <id>', 'the svix-id header value')
    .option('--timestamp <unix seconds>', 'the svix-timestamp header value')
    .option('--signature <v1,…>', 'the svix-signature header value')
    .option('--at <unix seconds|ISO date>', 'check the timestamp against this time instead of now (for recorded deliveries)')
    .addOption(new Option('--tolerance <seconds>', 'allowed clock difference either way').default('300'))
    .option('--json', 'print one JSON object on stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ scandocs-webhooks verify --payload @body.json --secret whsec_… \\
      -H "svix-id: msg_2b…" -H "svix-timestamp: 1732800000" -H "svix-signature: v1,K5o…"
  $ scandocs-webhooks verify --payload @body.json --headers @headers.txt --at 2026-11-28T12:00:00Z
  $ cat body.json | scandocs-webhooks verify --payload - --id msg_… --timestamp 1732800000 --signature v1,…

Exit codes: 0 valid, 1 invalid (the reason is printed), 2 usage error.`,
    )
    .action(async (options: VerifyCommandOptions) => {
      const { runVerify } = await import('./run.js');
      process.exitCode = await runVerify(options);
    });
}
