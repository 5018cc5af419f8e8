import { InputError } from '../../errors.js';

/** Parses the http(s) URL given to `flag`; anything else is bad input, answered with an example of the right form. */
export function parseHttpUrl(text: string, flag: string, example: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new InputError('invalid-url', `${flag} "${text}" is not an http(s) URL: give the whole address, e.g. ${flag} ${example}`);
  }
  return url;
}
