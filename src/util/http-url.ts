import { InputError } from '../errors.js';

/** The http(s) URL an option names; anything else is an InputError naming the option and showing the form. */
export function httpUrl(value: string | URL, option: string, example: string): URL {
  const text = String(value);
  const url = URL.canParse(text) ? new URL(text) : undefined;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new InputError('invalid-url', `${option} "${text}" is not an http(s) URL, e.g. ${example}`, { value: text });
  }
  return url;
}
