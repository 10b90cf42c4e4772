import { createLogger, newId } from '@social/kit';
import { invalidationFor } from '../src/services/invalidation';
import { firstAfter as firstFollowerAfter } from '../src/services/relationships';
import { firstAfter as firstSuggestionAfter } from '../src/services/suggestions';
import { Breaker, isOutage, TimeoutError, withTimeout } from '../src/services/timeouts';
import { outboxRecord } from '../src/stores/outbox';
import { nextVipStatus, VIP_EXIT_RATIO, vipLines } from '../src/vip';
import { periodic } from '../src/workers/periodic';
import { serviceUnavailable } from '@social/kit';

describe('VIP hysteresis', () => {
  const lines = vipLines(10_000);
  it('enters at the threshold and leaves only below 90% of it', () => {
    expect(VIP_EXIT_RATIO).toBe(0.9);
    expect(nextVipStatus(false, 9_999, lines)).toBe(false);
    expect(nextVipStatus(false, 10_000, lines)).toBe(true);
    expect(nextVipStatus(true, 9_000, lines)).toBe(true);
    expect(nextVipStatus(true, 8_999, lines)).toBe(false);
    expect(nextVipStatus(false, 9_500, lines)).toBe(false); // inside the band, a non-VIP stays one
  });
});

describe('breaker and timeouts', () => {
  it('opens for its period after a trip, then lets a request try again', () => {
    let now = 0;
    const breaker = new Breaker(5_000, () => now);
    expect(breaker.isOpen()).toBe(false);
    breaker.trip();
    now = 4_999;
    expect(breaker.isOpen()).toBe(true);
    now = 5_000;
    expect(breaker.isOpen()).toBe(false);
  });

  it('times out slow work, passes fast work and its errors through, and knows an outage from a bug', async () => {
    await expect(withTimeout(new Promise(() => undefined), 20, 'slow')).rejects.toBeInstanceOf(TimeoutError);
    await expect(withTimeout(Promise.resolve(7), 1_000, 'fast')).resolves.toBe(7);
    await expect(withTimeout(Promise.reject(new Error('boom')), 1_000, 'x')).rejects.toThrow('boom');
    expect(isOutage(new TimeoutError('x', 1))).toBe(true);
    expect(isOutage(serviceUnavailable('down'))).toBe(true);
    expect(isOutage(new TypeError('bug'))).toBe(false);
  });
});

describe('keyset positions', () => {
  it('finds the first follower after a position in a newest-first list, present or not', () => {
    const list = [5, 4, 4, 2].map((t, i) => ({ userId: `${'0'.repeat(23)}${9 - i}`, followedAt: new Date(t) }));
    expect(firstFollowerAfter(list, list[1]!)).toBe(2);
    expect(firstFollowerAfter(list, { userId: `${'0'.repeat(23)}7`, followedAt: new Date(3) })).toBe(3); // a removed row
    expect(firstFollowerAfter(list, list[3]!)).toBe(4);
  });

  it('finds the first suggestion after a cursor in ranking order, present or not', () => {
    const [a, b, c] = [newId(), newId(), newId()].sort();
    const items = [
      { userId: c!, count: 3, followers: 1, sample: [] },
      { userId: a!, count: 1, followers: 5, sample: [] },
      { userId: b!, count: 1, followers: 5, sample: [] },
    ];
    expect(firstSuggestionAfter(items, { c: 3, f: 1, id: c! })).toBe(1);
    expect(firstSuggestionAfter(items, { c: 1, f: 5, id: a! })).toBe(2);
    expect(firstSuggestionAfter(items, { c: 2, f: 0, id: newId() })).toBe(1); // a cursor from another ranking
    expect(firstSuggestionAfter(items, { c: 0, f: 0, id: a! })).toBe(3);
  });
});

describe('invalidationFor', () => {
  it('names both people of a follow change, the person of a VIP change (and all VIP lists), nobody for a block', () => {
    const [a, b] = [newId(), newId()];
    expect(invalidationFor([outboxRecord(newId(), 'user.followed', { followerId: a, followeeId: b })])).toEqual({
      users: [a, b],
      vipStatus: false,
    });
    expect(invalidationFor([outboxRecord(newId(), 'user.vip-changed', { userId: b, isVip: true, followerCount: 3 })])).toEqual({
      users: [b],
      vipStatus: true,
    });
    expect(invalidationFor([outboxRecord(newId(), 'user.blocked', { blockerId: a, blockedId: b })])).toEqual({
      users: [],
      vipStatus: false,
    });
  });
});

describe('periodic', () => {
  it('runs on demand one at a time, survives a failing run, and stops', async () => {
    let runs = 0;
    let running = 0;
    const job = periodic(
      'test',
      0,
      async () => {
        running++;
        expect(running).toBe(1);
        runs++;
        await new Promise((r) => setImmediate(r));
        running--;
        if (runs === 2) throw new Error('one bad run');
      },
      createLogger('t', 'silent'),
    );
    await Promise.all([job.runNow(), job.runNow(), job.runNow()]);
    expect(runs).toBe(3);
    await job.stop();
    await job.runNow();
    expect(runs).toBe(3);
  });
});
