import { describe, expect, it } from 'vitest';
import { closedPort } from '../helpers/server.js';
import { inTerminal, screenLines } from '../helpers/terminal.js';

// Issue 22, in a real pseudo-terminal: Ctrl-C typed by a user, and lines laid out for the terminal's width.
describe('Ctrl-C in a terminal', () => {
  it('listen starts its "Stopped." on a new line after the terminal\'s ^C', async () => {
    const listen = inTerminal(['listen', '--port', '0', '--no-inspect']);
    await listen.waitFor(/Ready: waiting for deliveries/);
    expect(await listen.stop()).toBe(0);
    const lines = screenLines(listen.output());
    const stopped = lines.findIndex((line) => line.includes('Stopped.'));
    expect(stopped).toBeGreaterThan(0);
    expect(lines[stopped]).toMatch(/^Stopped\. /);
  }, 20_000);

  it('trigger stopped during its retries prints the summary on its own line and exits 130', async () => {
    const port = await closedPort();
    const trigger = inTerminal(['trigger', 'task.completed', '--time-scale', '100', '--url', `http://127.0.0.1:${port}/webhooks`]);
    await trigger.waitFor(/nothing is listening/);
    expect(await trigger.stop()).toBe(130);
    const output = trigger.output();
    // After the spinner's line is cleared (or a new line), never glued to the echoed ^C; nothing redrawn after it.
    expect(output).toMatch(/(\n|\x1b\[0K)(\x1b\[\?25h)?stopped \(Ctrl-C\): delivered 0 of 1 event, 1 not finished · 1 attempt · \S+\n?(\x1b\[\?25h)?$/);
    expect(output).not.toContain('^Cstopped');
  }, 20_000);
});
