import { describe, expect, it } from 'vitest';
import { decideResponse, respondPolicy } from '../../src/listener/respond-policy.js';
import { parseRespondOptions, type RespondFlags } from '../../src/cli/listen/respond-flags.js';

// The CLI parses the flags into listen()'s options; the listener compiles them into its policy.
const parseRespondPolicy = (flags: RespondFlags) => respondPolicy(parseRespondOptions(flags));

const never = () => 0.99;
const always = () => 0;

describe('parseRespondPolicy + decideResponse', () => {
  it("--respond 500 answers every attempt 500", () => {
    const policy = parseRespondPolicy({ respond: ['500'] });
    for (const attempt of [1, 2, 7]) expect(decideResponse(policy, { eventType: 'task.completed', attempt }, never).status).toBe(500);
  });

  it('--respond 500,500,200 walks the sequence per attempt and stays on the last status', () => {
    const policy = parseRespondPolicy({ respond: ['500,500,200'] });
    const statuses = [1, 2, 3, 4].map((attempt) => decideResponse(policy, { eventType: 'file.created', attempt }, never).status);
    expect(statuses).toEqual([500, 500, 200, 200]);
    expect(decideResponse(policy, { eventType: 'file.created', attempt: 2 }, never).reason).toEqual({ source: 'respond', rule: '500,500,200', step: 2, steps: 3 });
  });

  it('--respond task.failed=500 fails only that type; others are left to the default', () => {
    const policy = parseRespondPolicy({ respond: ['task.failed=500'] });
    expect(decideResponse(policy, { eventType: 'task.failed', attempt: 1 }, never).status).toBe(500);
    expect(decideResponse(policy, { eventType: 'task.completed', attempt: 1 }, never)).toMatchObject({ status: undefined, reason: undefined });
  });

  it('typed rules win over the rule for every type, whatever the order given', () => {
    const policy = parseRespondPolicy({ respond: ['503', 'task.*=429'] });
    expect(decideResponse(policy, { eventType: 'task.created', attempt: 1 }, never).status).toBe(429);
    expect(decideResponse(policy, { eventType: 'file.deleted', attempt: 1 }, never).status).toBe(503);
  });

  it('--fail-rate fails when the random draw is under the rate, and only where no rule decides', () => {
    const policy = parseRespondPolicy({ failRate: '0.3', respond: ['task.completed=200'] });
    expect(decideResponse(policy, { eventType: 'file.created', attempt: 1 }, () => 0.29)).toMatchObject({ status: 500, reason: { source: 'fail-rate', rate: 0.3 } });
    expect(decideResponse(policy, { eventType: 'file.created', attempt: 1 }, () => 0.3).status).toBeUndefined();
    expect(decideResponse(policy, { eventType: 'task.completed', attempt: 1 }, always).status).toBe(200);
  });

  it('--fail-header is added to the failures the policy makes, never to its successes', () => {
    const policy = parseRespondPolicy({ respond: ['500,200'], failHeader: ['Retry-After: 120', 'webhook-delivery: abort-message'] });
    expect(decideResponse(policy, { eventType: 'task.failed', attempt: 1 }, never).headers).toEqual([
      ['Retry-After', '120'],
      ['webhook-delivery', 'abort-message'],
    ]);
    expect(decideResponse(policy, { eventType: 'task.failed', attempt: 2 }, never).headers).toEqual([]);
  });

  it('--delay is parsed as a duration and applies to every decision', () => {
    const policy = parseRespondPolicy({ delay: '6s' });
    expect(decideResponse(policy, { eventType: 'task.failed', attempt: 1 }, never)).toEqual({ status: undefined, reason: undefined, delayMs: 6_000, headers: [] });
  });

  it('refuses bad statuses, rates, headers and two untyped --respond, each with the fix', () => {
    expect(() => parseRespondPolicy({ respond: ['5000'] })).toThrow(/--respond "5000" is not a status sequence: use HTTP statuses 200-599/);
    expect(() => parseRespondPolicy({ respond: ['500,,200'] })).toThrow(/not a status sequence/);
    expect(() => parseRespondPolicy({ respond: ['100'] })).toThrow(/not a status sequence/);
    expect(() => parseRespondPolicy({ respond: ['task.failed='] })).toThrow(/not a status sequence/);
    expect(() => parseRespondPolicy({ respond: ['500', '200'] })).toThrow(/2 times without a type/);
    expect(() => parseRespondPolicy({ failRate: '1.5' })).toThrow(/--fail-rate "1.5" is not a probability: use a number from 0 to 1/);
    expect(() => parseRespondPolicy({ failRate: 'often' })).toThrow(/not a probability/);
    expect(() => parseRespondPolicy({ failHeader: ['Retry-After 120'] })).toThrow(/--fail-header "Retry-After 120" is not "name: value"/);
    expect(() => parseRespondPolicy({ delay: 'soon' })).toThrow(/invalid --delay "soon"/);
  });
});
