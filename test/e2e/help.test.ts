import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { inTerminal, screenLines } from '../helpers/terminal.js';

// Issue 22 ("it fits the terminal"): every --help fits 80 columns, examples and footers included; each command's
// help ends with its exit codes (sign has none); options that are required say so.
const width = (line: string) => [...line].length;

async function commands(): Promise<string[]> {
  const { stdout } = await runCli(['--help']);
  const section = stdout.split(/^Commands:$/m)[1]!.split(/^\s*$/m)[0]!;
  return [...section.matchAll(/^ {2}([a-z]+)\b/gm)].map((m) => m[1]!).filter((name) => name !== 'help');
}

describe('--help', () => {
  it('lists the seven commands', async () => {
    expect(await commands()).toEqual(['listen', 'trigger', 'replay', 'check', 'events', 'verify', 'sign']);
  });

  it('every command\'s help, and the program\'s, fits 80 columns and ends with its exit codes (sign has none)', async () => {
    for (const command of ['', ...(await commands())]) {
      const { code, stdout } = await runCli(command ? [command, '--help'] : ['--help']);
      expect(code, command).toBe(0);
      for (const line of stdout.split('\n')) expect(width(line), `${command}: ${line}`).toBeLessThanOrEqual(80);
      const lastParagraph = stdout.trimEnd().split(/\n\s*\n/).at(-1)!;
      const exitCodes = lastParagraph.split('\n').findIndex((line) => line.startsWith('Exit codes:'));
      if (command === 'sign') expect(stdout).not.toContain('Exit codes');
      else expect(exitCodes, `${command}:\n${lastParagraph}`).toBeGreaterThanOrEqual(0);
      // The exit codes are the end: nothing but their own wrapped lines after them.
      if (command !== 'sign') expect(lastParagraph.split('\n').slice(exitCodes).join(' '), command).toMatch(/^Exit codes: [^:]*$/);
    }
  }, 30_000);

  it('required options say so', async () => {
    for (const command of ['sign', 'verify']) {
      const { stdout } = await runCli([command, '--help']);
      expect(stdout.replace(/\s+/g, ' '), command).toMatch(/--payload <text\|@file\|-> the raw body \(literal text, @file, or - for standard input\) \(required\)/);
    }
  });

  it('fits 80 columns in a 120-column terminal too', async () => {
    const help = inTerminal(['listen', '--help'], { cols: 120 });
    await help.waitFor(/Exit codes/);
    await help.stop();
    for (const line of screenLines(help.output())) expect(width(line), line).toBeLessThanOrEqual(80);
  }, 20_000);
});
