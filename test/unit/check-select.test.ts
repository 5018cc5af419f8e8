import { describe, expect, it } from 'vitest';
import { BATTERY, CHECK_NAMES } from '../../src/check/index.js';
import { selectChecks } from '../../src/cli/check/select.js';
import { InputError } from '../../src/errors.js';

const names = (selection: Parameters<typeof selectChecks>[1]) => selectChecks(BATTERY, selection).map((check) => check.name);

describe('selectChecks()', () => {
  it('selectChecks({}) keeps the whole battery in order', () => {
    expect(names({})).toEqual(CHECK_NAMES);
    expect(names({ only: [], skip: [] })).toEqual(CHECK_NAMES);
  });

  it('selectChecks({only}) keeps battery order whatever order the names come in', () => {
    expect(names({ only: ['no-redirect', 'accepts-duplicate'] })).toEqual(['accepts-duplicate', 'no-redirect']);
  });

  it('selectChecks() takes * patterns: refuses-*, accepts-task.*', () => {
    expect(names({ only: ['refuses-*'] })).toEqual(CHECK_NAMES.filter((name) => name.startsWith('refuses-')));
    expect(names({ only: ['accepts-task.*'] })).toEqual(['accepts-task.created', 'accepts-task.completed', 'accepts-task.failed', 'accepts-task.deleted']);
  });

  it('selectChecks() treats "." literally: accepts-file.created does not match accepts-fileXcreated', () => {
    expect(() => names({ only: ['accepts-file?created'] })).toThrow(InputError);
  });

  it('selectChecks({skip}) applies after only', () => {
    expect(names({ only: ['refuses-*'], skip: ['refuses-*-timestamp'] })).toEqual([
      'refuses-unsigned',
      'refuses-tampered-body',
      'refuses-wrong-secret',
      'refuses-malformed-signature',
    ]);
  });

  it('selectChecks() throws an InputError naming the flag and listing every valid check for an unknown name', () => {
    const error = (() => {
      try {
        names({ skip: ['refuses-replay'] });
      } catch (caught) {
        return caught as InputError;
      }
    })();
    expect(error).toBeInstanceOf(InputError);
    expect(error!.code).toBe('unknown-check');
    expect(error!.message).toBe(`unknown check "refuses-replay" in --skip: valid checks are ${CHECK_NAMES.join(', ')} (patterns such as refuses-* work too)`);
  });

  it('selectChecks() throws when --skip leaves nothing to run', () => {
    expect(() => names({ only: ['no-redirect'], skip: ['no-*'] })).toThrow(/no check left to run/);
  });
});
