import { Option, type Command } from 'commander';
import { collect } from '../shared/collect.js';
import { addTunnelOptions } from '../tunnel/flags.js';
import type { ListenCommandOptions } from './run.js';

export function defineListen(listen: Command): void {
  listen
    .addOption(new Option('-p, --port <number>', 'port to listen on (0 for any free port)').default('4000'))
    .addOption(new Option('--host <address>', 'address to bind').default('127.0.0.1'))
    .option('-s, --secret <whsec_…|whpk_…>', 'secret to verify with (repeat for key rotation; default: $SCANDOCS_WEBHOOK_SECRET, else the test secret)', collect)
    .option('--print-secret', 'print the secret in full at start instead of masking it')
    .option('--skip-verify', 'accept every delivery without checking its signature (each line says so)')
    .addOption(new Option('--max-body <size>', 'largest body accepted; larger ones get 413').default('1mb'))
    .option('--events <types>', "show and forward only these types, e.g. 'task.*' or 'task.completed,file.created' (others get 200)", collect)
    .option('--respond <[types=]statuses>', 'answer with these statuses, walked per svix-id: 500, 500,500,200, task.failed=500 (repeatable)', collect)
    .option('--fail-rate <0..1>', 'answer 500 to this share of deliveries, at random')
    .option('--delay <duration>', 'answer no sooner than this after a delivery arrives, e.g. 6s to cross the 5 s timeout')
    .option('--fail-header <"name: value">', "header added to the failures --respond/--fail-rate make, e.g. 'Retry-After: 120' (repeatable)", collect)
    .option('-f, --forward-to <[types=]url>', "pass verified deliveries to your app, byte for byte (3000 or localhost:3000/webhooks mean http://localhost:3000/…); per type: 'task.*=http://…' (repeatable)", collect)
    .addOption(new Option('--forward-timeout <duration>', 'how long to wait for your app (0 waits forever, for debugging)').default('30s'))
    .option('--record <file.jsonl>', 'append every delivery to this JSON Lines journal before answering it')
    .option('--inspect-port <number>', 'port of the inspector page on 127.0.0.1 (default 4040, or the next free one; 0 for any)')
    .option('--new-token', 'make a new inspector token (the old URL and open pages stop working); it is kept for the next starts')
    .option('--no-inspect', 'do not serve the inspector page')
    .option('--json', 'one JSON object per line on stdout (ready, delivery, rejected, summary…); human lines on stderr')
    .option('-v, --verbose', 'also show each delivery’s headers and its body as indented JSON');
  addTunnelOptions(listen)
    .addHelpText(
      'after',
      `
Examples:
  $ scandocs-webhooks listen
  $ scandocs-webhooks listen --forward-to http://localhost:3000/webhooks
  $ scandocs-webhooks listen --respond 500,500,200 --fail-header 'Retry-After: 10'
  $ scandocs-webhooks listen --respond task.failed=500 --delay 6s --events 'task.*'
  $ scandocs-webhooks listen --port 0 --json --record events.jsonl
  $ scandocs-webhooks listen --tunnel cloudflared --secret whsec_…     a public URL for the Dashboard, no account
  $ NGROK_AUTHTOKEN=… scandocs-webhooks listen --tunnel ngrok --ngrok-domain my-app.ngrok.app --secret whsec_…

Ctrl-C closes the tunnel, prints a summary and exits 0. Exit 2: bad flag, port in use, unreachable --forward-to,
unwritable --record, a tunnel that cannot open (no ngrok authtoken, cloudflared not installed, no URL in time).`,
    )
    .action(async (options: ListenCommandOptions) => {
      const { runListen } = await import('./run.js');
      process.exitCode = await runListen(options);
    });
}
