import { Option, type Command } from 'commander';
import { collect } from '../shared/collect.js';

export function addDeliveryOptions(command: Command): Command {
  return command
    .option('-u, --url <url>', 'the endpoint to POST to, e.g. http://127.0.0.1:3000/webhooks (default: the running listen)')
    .option('-s, --secret <whsec_…>', 'endpoint secret to sign with (default: $SCANDOCS_WEBHOOK_SECRET, else the test secret)')
    .option('-H, --header <"name: value">', 'add or override a request header, e.g. -H "svix-signature: v1,bad" (repeatable)', collect)
    .addOption(new Option('--timeout <duration>', 'an attempt succeeds only with a 2xx within this time').default('5s'))
    .option('--no-retries', 'make a single attempt per event')
    .option('--schedule <production|fast|list>', 'retry schedule: production (default, compressed by --time-scale), fast, or waits like 0,1s,2s,4s')
    .option('--time-scale <n>', 'divide production delays by n (default 10000: a whole failing delivery waits ~10 s; 1 is real time)')
    .addOption(new Option('--concurrency <n>', 'deliveries in flight at once').default('1'))
    .option('--json', 'one JSON object per line on stdout for each attempt and each final result; human text on stderr')
    .option('-v, --verbose', 'print every request and response in full');
}

/** An argument that is an http(s) URL: almost always an endpoint given without its --url. */
export function findUrlArgument(args: readonly string[]): string | undefined {
  return args.find((arg) => /^https?:\/\//i.test(arg));
}
