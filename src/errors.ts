/**
 * Expected failures carry a stable `code` and a message that says how to fix the problem.
 * Only `cli/` decides what exit code each one maps to; the core just throws them.
 */
export type InputErrorCode =
  | 'usage'
  | 'invalid-secret'
  | 'invalid-payload'
  | 'invalid-headers'
  | 'unreadable-file'
  | 'unwritable-file'
  | 'invalid-duration'
  | 'invalid-url'
  | 'unknown-event-type'
  | 'unknown-variant'
  | 'unknown-operation'
  | 'unknown-scenario'
  | 'invalid-scenario'
  | 'unknown-check'
  | 'invalid-override'
  | 'invalid-journal'
  | 'port-in-use'
  | 'port-not-allowed'
  | 'unreachable-forward'
  | 'tunnel';

/**
 * What the CLI needs to say the same thing in its own words (with its flag names): the core's message speaks of
 * options and values, never of flags. `kind` tells apart the failures that share a code.
 */
export type InputErrorDetails = Readonly<Record<string, string | number | undefined>> & { readonly kind?: string };

/** Bad input from the user: the CLI prints the message on one line and exits 2. */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    readonly code: InputErrorCode,
    message: string,
    readonly details: InputErrorDetails = {},
  ) {
    super(message);
  }
}
