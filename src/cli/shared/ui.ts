import { Chalk, chalkStderr, supportsColor, type ChalkInstance } from 'chalk';
import { stringifyJson } from '../../util/json-string.js';

/** Where a command's output goes: human lines, and with --json one JSON object per line on stdout. */
export interface Ui {
  /** Colours for human output; level 0 when NO_COLOR is set or the stream is not a terminal. */
  color: ChalkInstance;
  /** True when human output goes to an interactive terminal (spinners allowed). */
  interactive: boolean;
  /** The stream human lines go to: stderr when --json owns stdout, stdout otherwise. */
  stream: NodeJS.WriteStream;
  json: boolean;
  /** Writes one human line. */
  line(text?: string): void;
  /** Writes one JSON object as one line on stdout (only with --json). */
  record(value: object): void;
}

export function createUi(options: { json?: boolean } = {}): Ui {
  const json = Boolean(options.json);
  const stream = json ? process.stderr : process.stdout;
  const noColor = Boolean(process.env.NO_COLOR);
  const level = noColor ? 0 : json ? chalkStderr.level : supportsColor ? supportsColor.level : 0;
  return {
    color: new Chalk({ level }),
    // A terminal that reports 0 columns (a pty opened without a size, as `script` does) sends ora's line-clearing
    // loop spinning forever: no spinner there.
    interactive: Boolean(stream.isTTY) && !process.env.CI && (stream.columns ?? 0) > 0,
    stream,
    json,
    line: (text = '') => stream.write(`${text}\n`),
    record: (value) => {
      if (json) process.stdout.write(`${stringifyJson(value)}\n`);
    },
  };
}

/**
 * ora's options for output through `ui`: ora colours its frame with a chalk that ignores NO_COLOR, so the colour
 * follows ours; and discardStdin stays off (it puts the terminal in raw mode, which stops a background job).
 */
export function spinnerOptions(ui: Ui, text?: string): { text?: string; stream: NodeJS.WriteStream; discardStdin: false; color: 'cyan' | false } {
  return { ...(text === undefined ? {} : { text }), stream: ui.stream, discardStdin: false, color: ui.color.level > 0 ? 'cyan' : false };
}
