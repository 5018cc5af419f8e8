import type { Command } from 'commander';
import { collect } from '../shared/collect.js';
import { addDeliveryOptions } from '../delivery/flags.js';
import type { ReplayCommandOptions } from './run.js';

export function defineReplay(command: Command): void {
  command
    .argument('<journal>', 'the journal to resend, written by `listen --record`, e.g. events.jsonl')
    .option('--id <id>', 'only this svix-id (msg_…) or event id (event_…) (repeatable)', collect)
    .option('--type <type>', "only this event type; * matches any run of characters, e.g. 'task.*' (repeatable)", collect)
    .option('--since <duration|date>', 'only deliveries received in the last 10m, 2h… or since an ISO date')
    .option('--include-unverified', 'also send deliveries that failed signature verification when received, or were recorded with --skip-verify (skipped by default: anyone can post one)');
  addDeliveryOptions(command)
    .addHelpText(
      'after',
      `
Examples:
  $ scandocs-webhooks replay events.jsonl --url http://127.0.0.1:3000/webhooks
  $ scandocs-webhooks replay events.jsonl --url http://127.0.0.1:3000/webhooks --type 'task.*' --since 10m
  $ scandocs-webhooks replay events.jsonl --url http://127.0.0.1:3000/webhooks --id event_wal69rzpapqrm7yj --no-retries

Each delivery keeps its recorded body and svix-id; the timestamp and signature are fresh (with --secret, or the
test secret). Deliveries that failed verification when received, or were recorded with --skip-verify, are
skipped unless --include-unverified.
Exit codes: 0 every delivery delivered, 1 one finally failed, 2 usage error or a malformed journal.`,
    )
    .action(async (journal: string, options: ReplayCommandOptions) => {
      const { runReplay } = await import('./run.js');
      process.exitCode = await runReplay(journal, options);
    });
}
