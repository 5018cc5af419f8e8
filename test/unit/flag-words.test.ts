import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { withFlagWords } from '../../src/cli/shared/flag-words.js';
import { openJournal } from '../../src/journal/append.js';
import { probeForwardTarget } from '../../src/listener/forward.js';
import { inputErrorOf } from '../helpers/input-error.js';
import { closedPort } from '../helpers/server.js';


// The core says what is wrong with its options; the CLI says the same with its flags (the e2e tests read it).
describe('withFlagWords(error)', () => {
  it('words an unwritable journal with --record', async () => {
    const error = await inputErrorOf(() => openJournal('/nonexistent-folder/events.jsonl'));
    expect(error.message).not.toMatch(/--/);
    expect(withFlagWords(error).message).toBe(
      'cannot write --record file "/nonexistent-folder/events.jsonl": its folder does not exist (choose a writable file, e.g. --record ./events.jsonl)',
    );
  });

  it('words an unreachable forward target with --forward-to', async () => {
    const port = await closedPort();
    const error = await inputErrorOf(() => probeForwardTarget(new URL(`http://127.0.0.1:${port}/webhooks`)));
    expect(error.message).not.toMatch(/--/);
    expect(withFlagWords(error).message).toMatch(new RegExp(`^--forward-to http://127.0.0.1:${port}/webhooks is unreachable: connection refused: .*\\(start your app first, or fix the URL\\)$`));
  });

  it('words a change buildEvent() cannot make with --set or --set-new', async () => {
    const { buildEvent } = await import('../../src/events/index.js');
    const unknown = await inputErrorOf(() => buildEvent('task.completed', { variant: 'convert', set: ['data.operatoin=split'] }));
    expect(withFlagWords(unknown).message).toBe(
      '--set "data.operatoin=split": the event has no data.operatoin: did you mean data.operation? (use --set-new data.operatoin=… to add a field)',
    );
    const past = await inputErrorOf(() => buildEvent('task.completed', { variant: 'convert', set: ['data.result.generated_files.1.name=x'] }));
    expect(withFlagWords(past).message).toMatch(/^--set "data\.result\.generated_files\.1\.name=x": index 1 is past the end .*; --set-new data\.result\.generated_files\.1=… appends$/);
    const malformed = await inputErrorOf(() => buildEvent('task.completed', { setNew: ['data.name'] }));
    expect(withFlagWords(malformed).message).toBe('--set "data.name" has no "=": use path=value, e.g. --set data.name=report.pdf or --set data.properties.page_count=3');
  });

  it('keeps the code and details, and leaves an error it does not know as it is', () => {
    const inUse = withFlagWords(new InputError('port-in-use', 'port 4000 is in use: listen on port 0 for any free port, or stop the other process', { port: 4000 }));
    expect(inUse).toMatchObject({ code: 'port-in-use', details: { port: 4000 }, message: 'port 4000 is in use: pass --port 0 for any free port, or stop the other process' });
    const other = new InputError('invalid-url', 'url "x" is not an http(s) URL');
    expect(withFlagWords(other)).toBe(other);
  });
});
