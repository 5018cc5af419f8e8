import { InputError } from '../../errors.js';
import { withFlagWords } from './flag-words.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
/** Stopped by Ctrl-C (or SIGTERM), after printing what was found: 128 + SIGINT, as shells report it. */
export const EXIT_INTERRUPTED = 130;

/** The one place errors become terminal output and exit codes: bad input is one line, the rest keeps its stack. */
export function reportError(error: unknown, debug: boolean): number {
  if (error instanceof InputError) {
    process.stderr.write(`error: ${withFlagWords(error).message}\n`);
    if (debug && error.stack) process.stderr.write(`${error.stack}\n`);
    return EXIT_USAGE;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`error: unexpected failure: ${message}\n`);
  process.stderr.write(
    debug && error instanceof Error && error.stack
      ? `${error.stack}\n`
      : 'run again with --debug for the stack trace, and report it if it persists\n',
  );
  return EXIT_FAILED;
}
