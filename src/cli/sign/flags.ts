import type { Command } from 'commander';
import type { SignCommandOptions } from './run.js';

export function defineSign(command: Command): void {
  command
    .requiredOption('-p, --payload <text|@file|->', 'the raw body (literal text, @file, or - for standard input) (required)')
    .option('-s, --secret <whsec_…>', 'endpoint secret (default: $SCANDOCS_WEBHOOK_SECRET, else the test secret)')
    .option('--id <id>', 'message id (default: a fresh msg_… id)')
    .option('--timestamp <unix seconds|ISO date>', 'signing time (default: now)')
    .option('--unbranded', 'emit webhook-* headers instead of svix-*')
    .option('--curl <url>', 'print a curl command that posts the signed payload to this URL')
    .option('--json', 'print one JSON object on stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ scandocs-webhooks sign --payload '{"type":"file.deleted"}'
  $ scandocs-webhooks sign --payload @event.json --secret whsec_… --curl http://localhost:3000/webhooks | sh`,
    )
    .action(async (options: SignCommandOptions) => {
      const { runSign } = await import('./run.js');
      process.exitCode = await runSign(options);
    });
}
