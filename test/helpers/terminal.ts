import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { BIN, ISOLATED_ENV } from './cli.js';

// What a user sees in a terminal, run in a real pseudo-terminal (util-linux `script`): issues 12 and 22.

export interface TerminalRun {
  /** Everything written to the terminal so far, with \r\n as \n. */
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  stop(): Promise<number | null>;
}

/** Runs the CLI in a pty of `cols` columns; `env` adds to a colour-off, secret-free environment. */
export function inTerminal(args: string[], { cols = 80, env = {} as Record<string, string> } = {}): TerminalRun {
  const cli = [process.execPath, BIN, ...args].map((a) => `'${a}'`).join(' ');
  // exec: the CLI alone is the terminal's foreground job, so Ctrl-C reaches only it. It is bounded by the kill of
  // `script` below: the pty closing hangs it up.
  const command = `stty cols ${cols} rows 40; exec ${cli}`;
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, SCANDOCS_WEBHOOK_SECRET: '', ...ISOLATED_ENV, ...env };
  delete childEnv.CI;
  for (const key of Object.keys(childEnv)) if (childEnv[key] === undefined) delete childEnv[key];
  const child = spawn('script', ['-qefc', command, '/dev/null'], { env: childEnv });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const killer = setTimeout(() => child.kill('SIGKILL'), 25_000);
  void exited.then(() => clearTimeout(killer));
  const output = () => out.replace(/\r\n/g, '\n');
  return {
    output,
    async waitFor(pattern, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      while (!pattern.test(output())) {
        if (Date.now() > until || child.exitCode !== null) throw new Error(`no ${pattern} in:\n${output()}`);
        await sleep(25);
      }
    },
    async stop() {
      // Ctrl-C, as a user types it: the terminal turns it into SIGINT for the foreground job.
      if (child.exitCode === null) child.stdin.write('\x03');
      return exited;
    },
  };
}

/** Lines as the terminal shows them: the spinner's redraws (after \r or the erase-line sequence) removed. */
export function screenLines(output: string): string[] {
  // eslint-disable-next-line no-control-regex
  return output.split('\n').map((line) => line.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').split('\r').at(-1)!);
}

