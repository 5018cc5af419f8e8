import { InputError } from '../../errors.js';

/** Whether `text` is a whole http(s) URL (a scheme-less `localhost:3000` is not). */
export function isHttpUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const { protocol } = new URL(text);
  return protocol === 'http:' || protocol === 'https:';
}

/** Parses the http(s) URL given to `flag`; anything else is bad input, answered with an example of the right form. */
export function parseHttpUrl(text: string, flag: string, example: string): URL {
  if (!isHttpUrl(text)) {
    throw new InputError('invalid-url', `${flag} "${text}" is not an http(s) URL: give the whole address, e.g. ${flag} ${example}`);
  }
  return new URL(text);
}
