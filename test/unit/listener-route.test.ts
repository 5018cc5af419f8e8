import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { matchesType } from '../../src/events/type-pattern.js';
import { compileRoutes, pickRoute } from '../../src/listener/route.js';
import { parseTypePatterns, splitTyped } from '../../src/cli/parse/type-patterns.js';
import { parseForwardTargets } from '../../src/cli/listen/forward-flags.js';

// The CLI parses --forward-to into listen()'s targets; the listener compiles them into routes.
const parseForwardRoutes = (values: string[]) => compileRoutes(parseForwardTargets(values));

describe('type patterns', () => {
  it("parseTypePatterns('task.*') matches every task type and no file type", () => {
    const patterns = parseTypePatterns('task.*', '--events');
    expect(matchesType(patterns, 'task.completed')).toBe(true);
    expect(matchesType(patterns, 'task.failed')).toBe(true);
    expect(matchesType(patterns, 'file.created')).toBe(false);
    // The dot is literal, not "any character".
    expect(matchesType(patterns, 'taskXcompleted')).toBe(false);
  });

  it("parseTypePatterns('task.completed,file.created') matches exactly those two", () => {
    const patterns = parseTypePatterns('task.completed, file.created', '--events');
    expect(['task.completed', 'file.created', 'task.failed', 'file.deleted'].map((t) => matchesType(patterns, t))).toEqual([true, true, false, false]);
  });

  it('matchesType(patterns, undefined) is true only for *', () => {
    expect(matchesType(parseTypePatterns('*', '--events'), undefined)).toBe(true);
    expect(matchesType(parseTypePatterns('task.*', '--events'), undefined)).toBe(false);
  });

  it('parseTypePatterns rejects a typo with a suggestion, and garbage with the syntax', () => {
    expect(() => parseTypePatterns('task.complete', '--events')).toThrow(/--events "task.complete" matches no Scan Documents event type: did you mean task.completed\?/);
    expect(() => parseTypePatterns('task completed', '--events')).toThrow(InputError);
    expect(() => parseTypePatterns('', '--events')).toThrow(/is not a list of event types/);
  });
});

describe('splitTyped', () => {
  it('splits types from the value only when the head looks like types', () => {
    expect(splitTyped('task.failed=500', '--respond')).toMatchObject({ value: '500', patterns: [{ text: 'task.failed' }] });
    expect(splitTyped('500,500,200', '--respond')).toEqual({ value: '500,500,200' });
    expect(splitTyped('http://localhost:3000/hook?a=b', '--forward-to')).toEqual({ value: 'http://localhost:3000/hook?a=b' });
    expect(splitTyped('task.*=http://localhost:3000/hook?a=b', '--forward-to')).toMatchObject({ value: 'http://localhost:3000/hook?a=b' });
  });
});

describe('parseForwardRoutes', () => {
  it('tries typed routes first, in order, and the plain URL catches the rest', () => {
    const routes = parseForwardRoutes(['http://localhost:3000/all', 'task.failed=http://localhost:3001/failed', 'task.*=http://localhost:3002/tasks']);
    expect(pickRoute(routes, 'task.failed')?.url.href).toBe('http://localhost:3001/failed');
    expect(pickRoute(routes, 'task.completed')?.url.href).toBe('http://localhost:3002/tasks');
    expect(pickRoute(routes, 'file.created')?.url.href).toBe('http://localhost:3000/all');
    expect(pickRoute(routes, undefined)?.url.href).toBe('http://localhost:3000/all');
  });

  it('leaves a type without a route unrouted when there is no catch-all', () => {
    const routes = parseForwardRoutes(['task.*=http://localhost:3002/tasks']);
    expect(pickRoute(routes, 'file.created')).toBeUndefined();
  });

  it('refuses a URL of another scheme and two catch-alls, saying what to write instead', () => {
    expect(() => parseForwardRoutes(['ftp://localhost/x'])).toThrow(InputError);
    expect(() => parseForwardRoutes(['http://a.test/x', 'http://b.test/y'])).toThrow(/2 URLs without a type/);
  });
});
