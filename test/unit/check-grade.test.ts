import { describe, expect, it } from 'vitest';
import { describeAttempt, gradeAttempt, gradeCheck, type Check, type CheckRequest } from '../../src/check/index.js';
import type { AttemptErrorCause, AttemptResult } from '../../src/delivery/attempt.js';

const TIMEOUT = 5_000;
const plain: CheckRequest = { label: 'file.created', headers: {}, body: '{}' };
const withHint: CheckRequest = { ...plain, label: 'task.created again', hint: 'the specific advice' };

function answer(status: number, latencyMs = 12, headers: Record<string, string> = {}): AttemptResult {
  return { kind: 'response', ok: status >= 200 && status < 300, status, headers, body: '', latencyMs };
}

function failure(cause: AttemptErrorCause, message = 'boom'): AttemptResult {
  return { kind: 'error', ok: false, cause, message, latencyMs: 5 };
}

describe('gradeAttempt() for must-accept', () => {
  it.each([200, 201, 202, 204, 299])('gradeAttempt("must-accept", %i) passes without a warning', (status) => {
    expect(gradeAttempt('must-accept', plain, answer(status), TIMEOUT)).toEqual({ ok: true });
  });

  it('gradeAttempt("must-accept", 200 after 1.5 s) passes with a warning naming the latency and the limit', () => {
    expect(gradeAttempt('must-accept', plain, answer(200, 1_500), TIMEOUT)).toEqual({
      ok: true,
      warning: 'answered in 1.5s: acknowledge first and do the work afterwards, to stay well under the 5s limit',
    });
    expect(gradeAttempt('must-accept', plain, answer(200, 1_000), TIMEOUT)).toEqual({ ok: true });
  });

  it('gradeAttempt("must-accept", 4xx/5xx) fails with the request’s own hint when it has one', () => {
    expect(gradeAttempt('must-accept', withHint, answer(500), TIMEOUT)).toEqual({ ok: false, hint: 'the specific advice' });
    expect(gradeAttempt('must-accept', withHint, answer(401), TIMEOUT)).toEqual({ ok: false, hint: 'the specific advice' });
  });

  it.each([
    [401, /^refused a valid signed file.created \(401\): verify the raw body bytes, before any JSON parsing/],
    [403, /^refused a valid signed file.created \(403\)/],
    [404, /^answered 404: nothing handles POST at this URL/],
    [405, /^answered 405: nothing handles POST at this URL/],
    [413, /^refused the body as too large \(413\)/],
    [400, /^refused a valid file.created \(400\): the handler probably rejects this event's shape/],
    [422, /^refused a valid file.created \(422\)/],
    [500, /^failed with 500 on a valid file.created: your server's log has the error/],
    [503, /^failed with 503 on a valid file.created/],
  ])('gradeAttempt("must-accept", %i) fails with advice for what that status usually means', (status, hint) => {
    const grade = gradeAttempt('must-accept', plain, answer(status), TIMEOUT);
    expect(grade.ok).toBe(false);
    expect(!grade.ok && grade.hint).toMatch(hint);
  });

  it('gradeAttempt("must-accept", 3xx) fails with the Location and says Svix does not follow redirects, even with a hint', () => {
    const grade = gradeAttempt('must-accept', withHint, answer(308, 3, { location: 'https://app.test/webhooks/' }), TIMEOUT);
    expect(grade).toEqual({
      ok: false,
      hint: 'answered 308 → https://app.test/webhooks/: Svix does not follow redirects, so this delivery fails; configure the final URL (https, exact path, trailing slash) as the endpoint and answer 2xx there',
    });
    const bare = gradeAttempt('must-accept', plain, answer(302), TIMEOUT);
    expect(!bare.ok && bare.hint).toMatch(/^answered 302 → \(no Location header\)/);
  });

  it('gradeAttempt("must-accept", timeout) fails with the timeout and the advice to answer first', () => {
    expect(gradeAttempt('must-accept', plain, failure('timeout'), 1_500)).toEqual({
      ok: false,
      hint: 'no answer within 1.5s: acknowledge with 2xx as soon as the event is verified and stored, and do slow work after answering (a queue or a background job)',
    });
  });

  it.each([
    ['refused', /^connection refused: the endpoint stopped listening; did the previous request crash it\?/],
    ['reset', /^the connection closed without an answer: the handler probably crashed on this request/],
    ['dns', /^could not deliver \(dns\): boom$/],
    ['tls', /^could not deliver \(tls\): boom$/],
    ['other', /^could not deliver \(other\): boom$/],
  ] as const)('gradeAttempt("must-accept", %s error) fails saying what happened', (cause, hint) => {
    const grade = gradeAttempt('must-accept', withHint, failure(cause), TIMEOUT);
    expect(!grade.ok && grade.hint).toMatch(hint);
  });
});

describe('gradeAttempt() for must-refuse', () => {
  it.each([400, 401, 403])('gradeAttempt("must-refuse", %i) passes without a warning', (status) => {
    expect(gradeAttempt('must-refuse', withHint, answer(status), TIMEOUT)).toEqual({ ok: true });
  });

  it('gradeAttempt("must-refuse", 500) passes as "refused, but with a server error"', () => {
    expect(gradeAttempt('must-refuse', withHint, answer(500), TIMEOUT)).toEqual({
      ok: true,
      warning: 'refused, but with a server error (500): answer 400 or 401 when verification fails, so real outages stand out',
    });
  });

  it('gradeAttempt("must-refuse", 404/422) passes with a note that 401 says why more clearly', () => {
    expect(gradeAttempt('must-refuse', withHint, answer(422), TIMEOUT)).toEqual({ ok: true, warning: 'refused with 422: 401 (or 400/403) says why more clearly' });
    expect(gradeAttempt('must-refuse', withHint, answer(404), TIMEOUT).ok).toBe(true);
  });

  it('gradeAttempt("must-refuse", 2xx) fails with the request’s hint, or a generic one without', () => {
    expect(gradeAttempt('must-refuse', withHint, answer(204), TIMEOUT)).toEqual({ ok: false, hint: 'the specific advice' });
    const grade = gradeAttempt('must-refuse', plain, answer(200), TIMEOUT);
    expect(!grade.ok && grade.hint).toMatch(/^accepted a delivery it must refuse/);
  });

  it('gradeAttempt("must-refuse", 3xx) fails: a redirect is not a refusal (a login redirect is the usual cause)', () => {
    const grade = gradeAttempt('must-refuse', withHint, answer(302, 3, { location: '/login' }), TIMEOUT);
    expect(!grade.ok && grade.hint).toMatch(/^answered 302 → \/login instead of refusing: Svix does not follow redirects; answer 401 directly/);
  });

  it('gradeAttempt("must-refuse", timeout) fails: silence is not a refusal', () => {
    const grade = gradeAttempt('must-refuse', withHint, failure('timeout'), TIMEOUT);
    expect(!grade.ok && grade.hint).toMatch(/^no answer within 5s to a request it must refuse: refuse invalid signatures at once/);
  });
});

describe('gradeAttempt() for must-not-redirect', () => {
  it.each([200, 202, 204])('gradeAttempt("must-not-redirect", %i) passes: the delivery was answered where it was sent', (status) => {
    expect(gradeAttempt('must-not-redirect', plain, answer(status), TIMEOUT)).toEqual({ ok: true });
  });

  // Issue 12: a 4xx or 5xx is not a redirect, but it is no pass either.
  it.each([401, 404, 500])('gradeAttempt("must-not-redirect", %i) fails: only a 2xx passes', (status) => {
    const grade = gradeAttempt('must-not-redirect', plain, answer(status), TIMEOUT);
    expect(grade).toMatchObject({ ok: false, hint: expect.stringMatching(new RegExp(`^answered ${status}: a valid delivery must get a 2xx at this URL`)) });
  });

  it.each([301, 302, 303, 307, 308])('gradeAttempt("must-not-redirect", %i) fails with the Location', (status) => {
    const grade = gradeAttempt('must-not-redirect', plain, answer(status, 3, { location: 'https://x.test/' }), TIMEOUT);
    expect(!grade.ok && grade.hint).toMatch(new RegExp(`^answered ${status} → https://x.test/: Svix does not follow redirects`));
  });
});

describe('gradeCheck() and describeAttempt()', () => {
  const check: Check = { name: 'accepts-duplicate', group: 'must-accept', rule: 'the rule', build: () => [] };

  it('gradeCheck() passes when every request passed, keeping the first warning', () => {
    const result = gradeCheck(check, [], [{ ok: true }, { ok: true, warning: 'slow' }, { ok: true, warning: 'slower' }]);
    expect(result).toEqual({ name: 'accepts-duplicate', group: 'must-accept', rule: 'the rule', passed: true, responses: [], warning: 'slow' });
  });

  it('gradeCheck() fails with the first failing request’s hint, and no warning', () => {
    const result = gradeCheck(check, [], [{ ok: true, warning: 'slow' }, { ok: false, hint: 'the retry was refused' }]);
    expect(result).toMatchObject({ passed: false, hint: 'the retry was refused' });
    expect(result.warning).toBeUndefined();
  });

  it('describeAttempt() keeps the status, latency and the Location of a redirect only', () => {
    expect(describeAttempt(plain, answer(301, 7, { location: '/x' }))).toEqual({ label: 'file.created', status: 301, latencyMs: 7, location: '/x' });
    expect(describeAttempt(plain, answer(201, 7, { location: '/x' }))).toEqual({ label: 'file.created', status: 201, latencyMs: 7 });
    expect(describeAttempt(plain, failure('reset', 'socket hang up'))).toEqual({
      label: 'file.created',
      latencyMs: 5,
      error: { cause: 'reset', message: 'socket hang up' },
    });
  });
});
