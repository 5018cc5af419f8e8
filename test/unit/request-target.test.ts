import { describe, expect, it } from 'vitest';
import { requestPath, urlOnOrigin } from '../../src/util/request-target.js';

// issue 19 defect 1: a request target must never choose where a replay goes.
describe('requestPath(target)', () => {
  it('keeps only the path and query of an absolute-form target', () => {
    expect(requestPath('http://127.0.0.1:9/x?q=1')).toBe('/x?q=1');
    expect(requestPath('HTTPS://evil.example/')).toBe('/');
  });
  it('keeps origin-form targets as they are, //host:port/path included (a path on this server)', () => {
    expect(requestPath('/webhooks?a=b')).toBe('/webhooks?a=b');
    expect(requestPath('//127.0.0.1:9/x')).toBe('//127.0.0.1:9/x');
  });
});

describe('urlOnOrigin(base, path)', () => {
  it('puts any recorded path on the base origin, whatever it holds', () => {
    const base = 'http://127.0.0.1:4000';
    expect(urlOnOrigin(base, '//127.0.0.1:9/x').href).toBe('http://127.0.0.1:4000//127.0.0.1:9/x');
    expect(urlOnOrigin(base, 'http://127.0.0.1:9/x?q').href).toBe('http://127.0.0.1:4000/x?q');
    expect(urlOnOrigin(base, '/\\evil.example/x').origin).toBe('http://127.0.0.1:4000');
    expect(urlOnOrigin(`${base}/ignored/path`, 'x@evil.example').href).toBe('http://127.0.0.1:4000/x@evil.example');
  });
});
