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
  | 'unknown-check'
  | 'invalid-override'
  | 'invalid-journal'
  | 'port-in-use'
  | 'unreachable-forward'
  | 'tunnel';

/** Bad input from the user: the CLI prints the message on one line and exits 2. */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    readonly code: InputErrorCode,
    message: string,
  ) {
    super(message);
  }
}
