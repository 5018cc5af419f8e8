import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';
import { registerVerify } from './commands/verify.js';
import { registerSign } from './commands/sign.js';
import { registerEvents } from './commands/events.js';
import { registerTrigger } from './commands/trigger.js';
import { registerReplay } from './commands/replay.js';
import { registerCheck } from './commands/check.js';
import { registerListen } from './commands/listen.js';

// Only command definitions load at start-up; each action imports its engine on demand, so `--help` stays fast.
const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

// `scandocs-webhooks events --json | head -1` closes the pipe early: that is the reader being done, not a failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

const program = new Command('scandocs-webhooks')
  .description('Test Scan Documents webhooks on your own machine: receive, send, sign, verify and check them.')
  .version(version, '-V, --version')
  .option('--debug', 'show stack traces for unexpected errors')
  .showSuggestionAfterError(true)
  .exitOverride()
  .addHelpText(
    'after',
    `
Examples:
  $ scandocs-webhooks listen                              receive and verify events on http://127.0.0.1:4000
  $ scandocs-webhooks trigger task.completed --url http://127.0.0.1:4000/webhooks
  $ scandocs-webhooks sign --payload @event.json --curl http://localhost:3000/webhooks
  $ scandocs-webhooks check --url http://localhost:3000/webhooks

Exit codes: 0 success, 1 the check or delivery failed, 2 usage error.
The secret comes from --secret, else SCANDOCS_WEBHOOK_SECRET, else the built-in test secret.`,
  );

for (const register of [registerListen, registerVerify, registerSign, registerEvents, registerTrigger, registerReplay, registerCheck]) register(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Commander has already printed its one-line message (or the help/version text).
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else {
    const { reportError } = await import('./errors.js');
    process.exitCode = reportError(error, program.opts().debug === true);
  }
}
