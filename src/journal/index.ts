/**
 * The journal: the one owner of the record a listener writes for each delivery, of its encoding, of appending it
 * to a file, and of reading it back (replay reads through here).
 */
export { journalRecord, encodeBody, decodeBody, recordedMessageId, failedVerification, passedVerification, type JournalRecord } from './record.js';
export { openJournal, type Journal } from './append.js';
export { parseJournal, readJournal, type JournalContents } from './parse.js';
export { loadJournal } from './read.js';
