import { InputError } from '../errors.js';

/** Whether `text` is a whole http(s) URL (a scheme-less `localhost:3000` is not). */
export function isHttpUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const { protocol } = new URL(text);
  return protocol === 'http:' || protocol === 'https:';
}

/** The http(s) URL an option names; anything else is an InputError naming the option and showing the form. */
export function httpUrl(value: string | URL | undefined, option: string, example: string): URL {
  // A library call that forgot the option (`trigger({})`) is told so, not that "undefined" is no URL.
  if (value === undefined || value === null || value === '') {
    throw new InputError('invalid-url', `${option} is missing: pass the endpoint, e.g. ${option}: '${example}'`, { kind: 'missing' });
  }
  const text = String(value);
  if (!isHttpUrl(text)) throw new InputError('invalid-url', `${option} "${text}" is not an http(s) URL, e.g. ${example}`, { value: text });
  return new URL(text);
}
