import { newMessageId } from '../signature/index.js';
import { freshCheckEvent, otherSecret, signed } from './requests.js';
import type { Check } from './types.js';

/**
 * The applied-once checks: status codes cannot show that a retried delivery sent the customer's email twice, so
 * these ask the app itself, through its effects count (how many times it applied an event), after the deliveries.
 * Without a way to ask, they are skipped, never passed.
 */
export const APPLIED_ONCE_CHECKS: readonly Check[] = [
  {
    name: 'applies-duplicate-once',
    group: 'applied-once',
    needs: 'effects',
    rule: 'the same svix-id delivered twice is applied once',
    applied: {
      times: 1,
      hint:
        'applied the same event twice when its svix-id came twice: record the svix-id of each event you apply (in ' +
        'the same transaction as the work) and skip the work when it comes again',
    },
    build(context) {
      const event = freshCheckEvent('file.created');
      const id = newMessageId();
      return [signed(context, 'file.created', event, { id }), signed(context, 'file.created again, same svix-id', event, { id })];
    },
  },
  {
    name: 'applies-concurrent-once',
    group: 'applied-once',
    needs: 'effects',
    together: true,
    rule: 'two identical deliveries arriving at the same moment are applied once',
    applied: {
      times: 1,
      hint:
        'applied twice when two identical deliveries arrived at once: checking "already handled?" and then recording ' +
        'the id is a race; make the record atomic (a unique key on the svix-id: INSERT … ON CONFLICT DO NOTHING) and ' +
        'do the work only when your insert won',
    },
    build(context) {
      const event = freshCheckEvent('file.created');
      const id = newMessageId();
      return [signed(context, 'file.created', event, { id }), signed(context, 'file.created, same svix-id, at the same moment', event, { id })];
    },
  },
  {
    name: 'applies-retry-once',
    group: 'applied-once',
    needs: 'effects',
    rule: 'a retry after a failed attempt (same svix-id, fresh timestamp and signature) is applied once',
    applied: {
      times: 1,
      hint:
        'applied an event again when Svix retried it: a retry keeps the svix-id but has a new timestamp and ' +
        'signature; deduplicate on the svix-id (or the event id), and record it when the work is done',
    },
    build(context) {
      const event = freshCheckEvent('file.created');
      const id = newMessageId();
      return [
        signed(context, 'file.created', event, { id }),
        // Svix re-signs each attempt: the retry carries a later timestamp, so a new signature.
        signed(context, 'file.created, retried: same svix-id, later timestamp', event, { id, timestamp: context.now + 5 }),
      ];
    },
  },
  {
    name: 'applies-nothing-unverified',
    group: 'applied-once',
    needs: 'effects',
    rule: 'a delivery that fails verification is refused and not applied at all',
    applied: {
      times: 0,
      hint:
        'applied an event whose signature did not verify: the work runs before (or whatever the result of) the ' +
        'verification; verify first, and return before any work when it fails',
    },
    build: (context) => [
      signed(context, 'file.created, signed with another secret', freshCheckEvent('file.created'), {
        secret: otherSecret(),
        expect: 'refuse',
        hint: 'accepted a signature made with another secret: verify with the endpoint secret before handling the event',
      }),
    ],
  },
];
