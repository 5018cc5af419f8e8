import { readFile } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { readJournal, type JournalContents, type JournalReadOptions } from './parse.js';

/** Reads and parses a journal file; a missing or unreadable file is an InputError saying why. */
export async function loadJournal(path: string, options: JournalReadOptions = {}): Promise<JournalContents> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : String(code);
    throw new InputError('unreadable-file', `cannot read the journal "${path}": ${why}`, { kind: 'journal', path, why });
  }
  return readJournal(text, path, options);
}
