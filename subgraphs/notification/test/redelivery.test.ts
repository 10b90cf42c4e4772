import { createLogger } from '@social/kit';
import { MemoryLiveBus, type EventEnvelope } from '@social/events';
import { InboxWriter } from '../src/inbox-writer';
import { MemoryNotificationStore } from '../src/stores/memory-notification-store';
import { notificationHandler } from '../src/workers/start-workers';
import { mixedScenario, type Scenario } from './scenario';

const WINDOW_MS = 12 * 60 * 60_000;
const NOW = new Date('2026-01-01T02:00:00.000Z');

/** Runs deliveries through the consumer's handler (sequentially, as one consumer attachment does). */
async function deliver(events: EventEnvelope[]) {
  const store = new MemoryNotificationStore();
  const live = new MemoryLiveBus();
  const handler = notificationHandler(
    new InboxWriter(store, live, createLogger('t', 'silent'), () => NOW),
    WINDOW_MS,
    createLogger('t', 'silent'),
  );
  for (const e of events) await handler(e);
  await live.close();
  return store;
}

async function snapshot(store: MemoryNotificationStore, s: Scenario) {
  return Promise.all(
    s.recipients.map(async (r) => ({
      groups: await store.listVisible(r, 100),
      unread: await store.countVisibleAfter(r, null),
      blocks: await store.getBlocks(r),
    })),
  );
}

describe('redelivery', () => {
  const s = mixedScenario();

  it('the scenario makes the notifications people expect', async () => {
    const [author, mentioned] = await snapshot(await deliver(s.events), s);
    expect(author!.groups.map((g) => [g.kind, g.actorCount]).sort()).toEqual(
      [
        ['COMMENT', 1],
        ['FOLLOW', 1],
        ['LIKE', 19],
        ['MENTION', 1],
      ].sort(),
    );
    expect(mentioned!.groups).toEqual([]);
  });

  it('every event delivered twice in a row changes nothing', async () => {
    const once = await snapshot(await deliver(s.events), s);
    const twice = await snapshot(await deliver(s.events.flatMap((e) => [e, e])), s);
    expect(twice).toEqual(once);
  });

  it('every event delivered again, late and in reverse order, changes nothing', async () => {
    const once = await snapshot(await deliver(s.events), s);
    const again = await snapshot(await deliver([...s.events, ...[...s.events].reverse()]), s);
    expect(again).toEqual(once);
  });

  it('an undo handled before the event it undoes (a late redelivery) still wins', async () => {
    const like = s.events[0]!;
    const unlike = {
      ...like,
      id: 'x',
      subject: 'post.unliked' as const,
      occurredAt: new Date(Date.parse(like.occurredAt) + 1).toISOString(),
    };
    const store = await deliver([unlike as EventEnvelope, like]);
    expect(await store.countVisibleAfter(s.recipients[0]!, null)).toBe(0);
  });
});
