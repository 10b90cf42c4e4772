import Redis from 'ioredis';
import { realServers, uniqueName } from '@social/test-kit';
// Read back through the feed's own store: the loaded state must be what the service reads.
import { RedisTimelineStore } from '../../subgraphs/feed/src/stores/redis-timeline-store';
import { RECENT_CAP, TIMELINE_CAP, type TimelineEntry } from '../../subgraphs/feed/src/stores/timeline-store';
import { generate, postId } from './generate';
import { parseScale } from './scale';
import { loadTimelines, timelineKeyPrefix, timelinesMarker, type PushMode } from './timelines';

const { redisUrl } = realServers();
const prefix = uniqueName('tlint');
const data = generate({ scale: parseScale('400'), seed: 7, now: Date.UTC(2026, 0, 15) });
const n = data.users.count;
const { ids } = data.users;
const { from, to, count } = data.follows;
const followers = new Int32Array(n);
for (let e = 0; e < count; e++) followers[to[e]!]!++;
const top = followers.indexOf(Math.max(...followers));
const vipThreshold = followers[top]!; // the top account (and any tie) is a VIP
const isVip = (u: number) => followers[u]! >= vipThreshold;
const quiet = { progress: false, log: () => undefined };

/** The model: newest TIMELINE_CAP of the newest RECENT_CAP posts of each author the reader gets pushed. */
function expectedTimeline(reader: number, mode: PushMode): string[] {
  const authors = new Set([reader]);
  for (let e = 0; e < count; e++) if (from[e] === reader && (mode === 'push-only' || !isVip(to[e]!))) authors.add(to[e]!);
  const byAuthor = new Map<number, { id: string; score: number }[]>();
  for (let i = 0; i < data.posts.count; i++) {
    const a = data.posts.author[i]!;
    if (!authors.has(a)) continue;
    byAuthor.set(a, [...(byAuthor.get(a) ?? []), { id: postId(data, i), score: data.posts.createdAt[i]! }]);
  }
  const newestFirst = (x: { id: string; score: number }, y: { id: string; score: number }) =>
    y.score - x.score || (y.id > x.id ? 1 : y.id < x.id ? -1 : 0);
  const kept = [...byAuthor.values()].flatMap((posts) => posts.sort(newestFirst).slice(0, RECENT_CAP));
  return kept
    .sort(newestFirst)
    .slice(0, TIMELINE_CAP)
    .map((p) => p.id);
}

async function readAll(store: RedisTimelineStore, source: { timelineOf: string } | { recentOf: string }): Promise<TimelineEntry[]> {
  const [entries] = await store.read({ sources: [source], direction: 'older', bound: null, limit: TIMELINE_CAP + 1 });
  return entries!;
}

afterAll(async () => {
  const redis = new Redis(redisUrl);
  for (const mode of ['hybrid', 'push-only'] as const) {
    const keys = await redis.keys(`${timelineKeyPrefix(prefix, mode)}*`);
    if (keys.length) await redis.unlink(...keys);
  }
  redis.disconnect();
});

describe.each(['hybrid', 'push-only'] as const)('loadTimelines (%s) on real Redis', (mode) => {
  let store: RedisTimelineStore;
  const keyPrefix = timelineKeyPrefix(prefix, mode);

  beforeAll(async () => {
    // Twice: the second load empties the prefix first, so nothing is doubled or left over.
    await loadTimelines(data, { redisUrl, keyPrefix, mode, vipThreshold }, quiet);
    await loadTimelines(data, { redisUrl, keyPrefix, mode, vipThreshold }, quiet);
    store = await RedisTimelineStore.connect({ url: redisUrl, keyPrefix });
  }, 120_000);
  afterAll(() => store.close());

  it("gives every reader the posts the feed would have pushed, newest first, within the feed's caps", async () => {
    const readers = [...new Set(Array.from(from))];
    const followerOfVip = readers.find((u) => {
      for (let e = 0; e < count; e++) if (from[e] === u && to[e] === top) return true;
      return false;
    });
    const sample = [...new Set([readers[0]!, readers[readers.length - 1]!, followerOfVip!])];
    for (const reader of sample) {
      const got = (await readAll(store, { timelineOf: ids[reader]! })).map((e) => e.postId);
      expect(got).toEqual(expectedTimeline(reader, mode));
    }
    const vipPosts = (await readAll(store, { recentOf: ids[top]! })).map((e) => e.postId);
    const ofReader = new Set((await readAll(store, { timelineOf: ids[followerOfVip!]! })).map((e) => e.postId));
    // Hybrid pulls VIP posts at read time, so they are not in timelines; push-only pushed them.
    expect(vipPosts.some((id) => ofReader.has(id))).toBe(mode === 'push-only' && vipPosts.length > 0);
  });

  it('marks VIPs and readers as the feed does, so a read serves the timeline instead of rebuilding it', async () => {
    expect(await store.isVip(ids[top]!)).toBe(true);
    const reader = from[0]!;
    const visit = await store.touch(ids[reader]!, Date.now());
    expect(visit.previous).not.toBeNull();
    expect(visit.rebuilding).toBe(false);
    const marker = await timelinesMarker(redisUrl, keyPrefix);
    expect(marker).toMatchObject({ mode, seed: 7, vipThreshold });
    expect(marker!.readers).toBe(new Set(Array.from(from)).size);
  });
});
