import { Option, type Command } from 'commander';
import { collect } from '../shared/collect.js';
import type { CheckCommandOptions } from './run.js';

export function defineCheck(command: Command): void {
  command
    .option('-u, --url <url>', 'your endpoint, e.g. http://localhost:3000/webhooks (configured with the same secret)')
    .option('-s, --secret <whsec_…>', 'the secret your endpoint verifies with; twice (old, then new) to test a rotation (default: $SCANDOCS_WEBHOOK_SECRET, else the test secret)', collect)
    .option('--effects-url <url>', 'your app\'s test-only route that answers GET ?event_id=<id> with {"count": n}: enables the applied-once checks')
    .addOption(new Option('--timeout <duration>', 'how long each delivery may take, as Svix allows').default('5s'))
    .option('--only <checks>', 'run only these checks: names or patterns, comma-separated or repeated (e.g. refuses-*)', collect)
    .option('--skip <checks>', 'leave these checks out: names or patterns, comma-separated or repeated', collect)
    .option('--list', 'list the checks (after --only/--skip) with the rule each tests, and send nothing')
    .option('--json', 'one JSON object per check on stdout, then a summary')
    .addHelpText(
      'after',
      `
Examples:
  $ scandocs-webhooks check --url http://localhost:3000/webhooks
  $ scandocs-webhooks check --url http://localhost:3000/webhooks \\
      --effects-url http://localhost:3000/webhooks/effects
  $ scandocs-webhooks check --url … --secret whsec_old… --secret whsec_new…
  $ scandocs-webhooks check --url … --only 'refuses-*' --json
  $ scandocs-webhooks check --list

Without --url, check grades the listen running on this machine.
Exit codes: 0 every check that ran passed, 1 a check failed or the endpoint
is unreachable, 2 usage error, 130 stopped by Ctrl-C (the card of the checks
that ran is printed).`,
    )
    .action(async (options: CheckCommandOptions) => {
      const { runCheck } = await import('./run.js');
      process.exitCode = await runCheck(options);
    });
}
