import { MemoryEventBus, MemoryLiveBus } from '@social/events';
import { encodeCursor, newId, type RunningService } from '@social/kit';
import { eventually } from '@social/test-kit';
import { MemoryFanoutQueue } from '../src/fanout/memory-fanout-queue';
import { parseFeedConfig, startFeedService } from '../src/server';
import { MemoryPostSource } from '../src/sources/memory-post-source';
import { MemorySocialGraph } from '../src/sources/memory-social-graph';
import { MemoryTimelineStore } from '../src/stores/memory-timeline-store';
import { gatewayHeader, gql } from '../src/testing/http';

const config = parseFeedConfig({ NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'silent', TIMELINE_STRATEGY: 'hybrid' });
const SECRET = config.INTERNAL_AUTH_SECRET;

const HOME = /* GraphQL */ `
  query Home($first: Int, $after: String, $last: Int, $before: String) {
    homeTimeline(first: $first, after: $after, last: $last, before: $before) {
      edges {
        cursor
        node {
          id
        }
      }
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
      timelineStatus
    }
  }
`;

type Page = {
  edges: { cursor: string; node: { id: string } }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  timelineStatus: string;
};

describe('feed service over HTTP, hybrid strategy (memory bus, queue and store)', () => {
  let service: RunningService;
  const bus = new MemoryEventBus({ retryDelayMs: 5 });
  const graph = new MemorySocialGraph();
  const posts = new MemoryPostSource();
  const viewer = newId();
  const [alice, vip] = [newId(), newId()];

  const home = async (variables: Record<string, unknown> = {}) => gql(service.url, HOME, variables, await gatewayHeader(SECRET, viewer));
  const page = async (variables: Record<string, unknown> = {}) => {
    const res = await home(variables);
    expect(res.errors).toBeUndefined();
    return res.data!['homeTimeline'] as Page;
  };
  const post = async (authorId: string) => {
    const postId = newId();
    posts.add(authorId, postId); // what the post subgraph stores before it publishes
    await bus.publish('post.created', { postId, authorId, createdAt: new Date().toISOString() });
    return postId;
  };

  beforeAll(async () => {
    service = await startFeedService(config, {
      bus,
      following: graph,
      followers: graph,
      posts,
      store: new MemoryTimelineStore(),
      queue: new MemoryFanoutQueue(),
      live: new MemoryLiveBus(),
    });
  });
  afterAll(async () => {
    await service?.stop();
    await bus.close();
  });

  it('says REBUILDING on a first visit, then serves pushed and VIP posts merged newest first, paging and asking for newer', async () => {
    graph.follow(viewer, alice).follow(viewer, vip).setVip(vip, true);
    await bus.publish('user.vip-changed', { userId: vip, isVip: true, followerCount: 1 });
    await bus.publish('user.followed', { followerId: viewer, followeeId: alice });
    await bus.publish('user.followed', { followerId: viewer, followeeId: vip });
    expect((await page()).timelineStatus).toBe('REBUILDING');
    await eventually(async () => ((await page()).timelineStatus === 'READY' ? true : undefined));

    const posted: string[] = [];
    for (const author of [alice, vip, viewer, alice, vip]) posted.push(await post(author));
    const newestFirst = [...posted].reverse();
    await eventually(async () => ((await page({ first: 10 })).edges.length === 5 ? true : undefined));

    const first = await page({ first: 2 });
    expect(first.edges.map((e) => e.node.id)).toEqual(newestFirst.slice(0, 2));
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false, startCursor: first.edges[0]!.cursor });
    const late = await post(alice); // arrives while scrolling: shifts nothing below
    const second = await page({ first: 3, after: first.pageInfo.endCursor });
    expect(second.edges.map((e) => e.node.id)).toEqual(newestFirst.slice(2, 5));
    expect(second.pageInfo.hasNextPage).toBe(false);

    await eventually(async () => ((await page({ last: 5, before: first.pageInfo.startCursor })).edges.length === 1 ? true : undefined));
    const newer = await page({ last: 5, before: first.pageInfo.startCursor });
    expect(newer.edges.map((e) => e.node.id)).toEqual([late]);
    expect(newer.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
  });

  /** A reader following one author who then writes `count` posts, once they are all in the reader's timeline. */
  async function readerOfNewPosts(count: number) {
    const [reader, author] = [newId(), newId()];
    graph.follow(reader, author);
    await bus.publish('user.followed', { followerId: reader, followeeId: author });
    const readerHome = async (variables: Record<string, unknown>) => {
      const res = await gql(service.url, HOME, variables, await gatewayHeader(SECRET, reader));
      expect(res.errors).toBeUndefined();
      return res.data!['homeTimeline'] as Page;
    };
    await eventually(async () => ((await readerHome({})).timelineStatus === 'READY' ? true : undefined));
    const posted: string[] = [];
    for (let i = 0; i < count; i++) posted.push(await post(author));
    await eventually(async () => ((await readerHome({ first: 100 })).edges.length === count ? true : undefined));
    return { readerHome, newestFirst: [...posted].reverse() };
  }

  it('leaves out a post deleted a moment ago, before the feed consumed post.deleted, and keeps the page full', async () => {
    const { readerHome, newestFirst } = await readerOfNewPosts(6);

    // Deleted in the post subgraph; post.deleted not published yet, so the timeline still lists both.
    posts.delete(newestFirst[0]!).delete(newestFirst[2]!);
    const checksBefore = posts.liveChecks.length;
    const page1 = await readerHome({ first: 3 });
    expect(posts.liveChecks.length - checksBefore).toBe(1); // one liveness call per page
    expect(page1.edges.map((e) => e.node.id)).toEqual([newestFirst[1], newestFirst[3], newestFirst[4]]);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = await readerHome({ first: 3, after: page1.pageInfo.endCursor });
    expect(page2.edges.map((e) => e.node.id)).toEqual([newestFirst[5]]);
    expect(page2.pageInfo.hasNextPage).toBe(false);
  });

  it('keeps the page full when more posts were just deleted in a row than one read spares', async () => {
    const { readerHome, newestFirst } = await readerOfNewPosts(14);

    // The newest 9 deleted in the post subgraph, none of them consumed by the feed yet: one read of 3 + 1 + 5 sees only deleted posts.
    for (const id of newestFirst.slice(0, 9)) posts.delete(id);
    const page1 = await readerHome({ first: 3 });
    expect(page1.edges.map((e) => e.node.id)).toEqual(newestFirst.slice(9, 12));
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = await readerHome({ first: 3, after: page1.pageInfo.endCursor });
    expect(page2.edges.map((e) => e.node.id)).toEqual(newestFirst.slice(12, 14));
    expect(page2.pageInfo.hasNextPage).toBe(false);
  });

  it.each([
    [{ first: 101 }, 'first'],
    [{ first: 0 }, 'first'],
    [{ last: 101, before: encodeCursor({ s: 1, id: newId() }) }, 'last'],
    [{ last: 5 }, 'before'],
    [{ first: 5, before: encodeCursor({ s: 1, id: newId() }) }, 'first'],
    [{ after: 'not-a-cursor!!' }, 'after'],
    [{ after: encodeCursor({ id: newId() }) }, 'after'], // an older cursor without the score
    [{ after: encodeCursor({ s: 1, id: newId(), offset: 20 }) }, 'after'], // another list's cursor
    [{ last: 3, before: encodeCursor({ s: -1, id: newId() }) }, 'before'],
  ])('refuses %j with BAD_USER_INPUT on %s', async (variables, field) => {
    const res = await home(variables);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });
});
