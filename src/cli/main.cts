import type * as Commander from 'commander';

// This entry is CommonJS (.cts), like commander: when `--help` or a usage error needs nothing else, Node never
// starts its ES module loader (~6 ms on Node 20), and commander loads without its ESM wrapper. Commands and their
// engines are ES modules, imported on demand.
const { Command, CommanderError } = require('commander') as typeof Commander;

/**
 * The commands, loaded lazily (as citty does): only the one being run imports its definition, and each action
 * imports its engine on demand. On Node 20 every extra ES module costs ~2 ms of start-up, so `--help` must not
 * load eight definition files just to list their names.
 */
const COMMANDS: Record<string, { summary: string; load: () => Promise<(command: Commander.Command) => void> }> = {
  listen: {
    summary: 'receive webhooks locally: verify each delivery, rehearse failures, forward to your app, record them',
    load: async () => (await import('./listen/flags.js')).defineListen,
  },
  trigger: {
    summary: 'send signed Scan Documents events to your endpoint, retried exactly as production retries them',
    load: async () => (await import('./trigger/flags.js')).defineTrigger,
  },
  replay: {
    summary: 'resend deliveries recorded by `listen --record`, byte for byte, re-signed with a fresh timestamp',
    load: async () => (await import('./replay/flags.js')).defineReplay,
  },
  check: {
    summary: 'grade your webhook endpoint: send a battery of deliveries it must accept, refuse, or not redirect',
    load: async () => (await import('./check/flags.js')).defineCheck,
  },
  events: {
    summary: 'list the event types and their variants, or print a sample event',
    load: async () => (await import('./events/flags.js')).defineEvents,
  },
  verify: {
    summary: 'check a webhook signature and say exactly why it fails',
    load: async () => (await import('./verify/flags.js')).defineVerify,
  },
  sign: {
    summary: 'sign a payload and print the headers (or a ready-to-run curl command)',
    load: async () => (await import('./sign/flags.js')).defineSign,
  },
};

const { version } = require('../../package.json') as { version: string };

/**
 * Every missing required option or argument, in every command, is said the same way (issue 22): what is missing
 * and what it is, from its own help text, instead of commander's "required option '-p, --payload <…>' not
 * specified" or "missing required argument 'journal'".
 */
const hooks = Command.prototype as unknown as {
  missingMandatoryOptionValue(this: Commander.Command, option: Commander.Option): void;
  missingArgument(this: Commander.Command, name: string): void;
};
hooks.missingMandatoryOptionValue = function (option) {
  this.error(`error: ${option.long ?? option.flags} is required: ${plainDescription(option.description)}; see scandocs-webhooks ${this.name()} --help`, {
    code: 'commander.missingMandatoryOptionValue',
  });
};
hooks.missingArgument = function (name) {
  const argument = this.registeredArguments.find((a) => a.name() === name);
  this.error(`error: the <${name}> argument is required: ${plainDescription(argument?.description ?? '')}; see scandocs-webhooks ${this.name()} --help`, {
    code: 'commander.missingArgument',
  });
};

/** A help description as a message clause: without the "(required)" mark the help shows. */
function plainDescription(text: string): string {
  return text.replace(/\s*\(required\)$/, '');
}

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

void main();

async function main(): Promise<void> {
  try {
    const requested = requestedCommand(process.argv.slice(2));
    for (const [name, { summary, load }] of Object.entries(COMMANDS)) {
      const command = program.command(name).description(summary);
      if (name === requested) (await load())(command);
    }
    await program.parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed its one-line message (or the help/version text).
      process.exitCode = error.exitCode === 0 ? 0 : 2;
    } else {
      const { reportError } = await import('./shared/errors.js');
      process.exitCode = reportError(error, program.opts().debug === true);
    }
  }
}

/** The command a run asks for: the first word that is not a flag, or the word after `help`. */
function requestedCommand(args: string[]): string | undefined {
  const words = args.filter((arg) => !arg.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}
