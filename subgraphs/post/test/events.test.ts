import { newId } from '@social/kit';
import { liveSubjects, MemoryEventBus, type EventEnvelope, type Subject } from '@social/events';
import { eventually } from '@social/test-kit';
import { COMMENT, COUNTS, CREATE, DELETE, DELETE_COMMENT, LIKE, UNLIKE, codes, createPosts, startHarness, type Harness } from './harness';

let h: Harness;
afterEach(async () => {
  await h.stop();
});

async function collect(subjects: Subject[]): Promise<EventEnvelope[]> {
  const received: EventEnvelope[] = [];
  await h.bus.consume({ durable: `events_${newId()}`, subjects, handler: async (e) => void received.push(e) });
  return received;
}
const waitFor = (list: unknown[], n: number) => eventually(async () => (list.length >= n ? true : undefined));

describe('durable events', () => {
  it('publishes post.created and post.deleted with the contract payloads', async () => {
    h = await startHarness();
    const received = await collect(['post.created', 'post.deleted']);
    const alice = newId();
    const created = (await h.gql(CREATE, { text: 'hello' }, alice)).data.createPost;
    await h.gql(DELETE, { id: created.id }, alice);
    await waitFor(received, 2);
    expect(received.map((e) => [e.subject, e.data])).toEqual([
      ['post.created', { postId: created.id, authorId: alice, createdAt: created.createdAt }],
      ['post.deleted', { postId: created.id, authorId: alice }],
    ]);
  });

  it('publishes one post.liked per like (not per request), post.unliked, comment.added and comment.deleted', async () => {
    h = await startHarness();
    const received = await collect(['post.liked', 'post.unliked', 'comment.added', 'comment.deleted']);
    const [author, alice] = [newId(), newId()];
    const [post] = await createPosts(h, author, 1);
    await h.gql(LIKE, { p: post }, alice);
    await h.gql(LIKE, { p: post }, alice);
    await h.gql(UNLIKE, { p: post }, alice);
    await h.gql(UNLIKE, { p: post }, alice); // never liked any more: no event
    const comment = (await h.gql(COMMENT, { p: post, t: 'hi' }, alice)).data.addComment;
    await h.gql(DELETE_COMMENT, { c: comment.id }, author);

    await waitFor(received, 4);
    await h.service.workers.relayNow(); // nothing pending: publishes nothing more
    expect(received.map((e) => [e.subject, e.data])).toEqual([
      ['post.liked', { postId: post, authorId: author, userId: alice }],
      ['post.unliked', { postId: post, authorId: author, userId: alice }],
      ['comment.added', { commentId: comment.id, postId: post, postAuthorId: author, authorId: alice, createdAt: comment.createdAt }],
      ['comment.deleted', { commentId: comment.id, postId: post, postAuthorId: author, authorId: alice }],
    ]);
  });

  it('publishes nothing when a request is refused', async () => {
    h = await startHarness();
    const publish = jest.spyOn(h.bus, 'publish');
    const alice = newId();
    expect(codes(await h.gql(CREATE, { text: '   ' }, alice))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await h.gql(DELETE, { id: newId() }, alice))).toEqual(['NOT_FOUND']);
    expect(codes(await h.gql(LIKE, { p: newId() }, alice))).toEqual(['NOT_FOUND']);
    expect(codes(await h.gql(COMMENT, { p: newId(), t: 'x' }, alice))).toEqual(['NOT_FOUND']);
    await h.service.workers.relayNow();
    expect(publish).not.toHaveBeenCalled();
  });
});

describe('the outbox', () => {
  it('keeps the events of a write the bus refused, and the relay publishes them later with the same ids', async () => {
    const bus = new MemoryEventBus();
    h = await startHarness({ bus, env: { OUTBOX_STALE_MS: '0' } });
    const received = await collect(['post.created', 'post.liked']);
    const publish = jest.spyOn(bus, 'publish').mockRejectedValue(new Error('nats down'));

    const [author, alice] = [newId(), newId()];
    const created = await h.gql(CREATE, { text: 'still here' }, author);
    expect(created.errors).toBeUndefined();
    const post = created.data.createPost.id;
    const liked = await h.gql(LIKE, { p: post }, alice);
    expect(liked.data.likePost.likeCount).toBe(1); // the count does not wait for the bus
    await eventually(async () => (publish.mock.calls.length >= 2 ? true : undefined));
    const attemptedIds = publish.mock.calls.map((c) => c[2]!.id);

    const [posts] = h.store.outboxSources();
    expect(await posts!.pending(new Date(Date.now() + 1000), 10)).toHaveLength(1);
    expect(received).toEqual([]);

    publish.mockRestore();
    await h.service.workers.relayNow();
    await waitFor(received, 2);
    expect(received.map((e) => e.id).sort()).toEqual([...attemptedIds].sort());
    expect(await posts!.pending(new Date(Date.now() + 1000), 10)).toEqual([]);
    expect((await h.gql(COUNTS, { id: post })).data.post.likeCount).toBe(1); // the relay did not count the like again
  });

  it('counts a like exactly once when the process died after its write, whether or not the increment happened', async () => {
    h = await startHarness({ env: { OUTBOX_STALE_MS: '0' } });
    const [post] = await createPosts(h, newId(), 2);
    // Crash after the write, before any effect: increments and publishes both fail.
    const inc = jest.spyOn(h.counters, 'increment').mockRejectedValue(new Error('died'));
    const pub = jest.spyOn(h.bus, 'publish').mockRejectedValue(new Error('died'));
    await h.gql(LIKE, { p: post }, newId());
    inc.mockRestore();
    // Crash after the increment, before settling: the relay will see the count item again.
    const [likes, removals] = h.likes.outboxSources();
    jest.spyOn(h.likes, 'outboxSources').mockReturnValue([{ ...likes!, settle: () => Promise.reject(new Error('died')) }, removals!]);
    await h.gql(LIKE, { p: post }, newId());
    jest.mocked(h.likes.outboxSources).mockRestore();
    pub.mockRestore();

    expect((await h.gql(COUNTS, { id: post })).data.post.likeCount).toBe(1); // second like counted, first not yet
    expect(await h.service.workers.relayNow()).toBe(2);
    expect(await h.service.workers.relayNow()).toBe(0);
    expect((await h.gql(COUNTS, { id: post })).data.post.likeCount).toBe(2);
  });
});

describe('live events', () => {
  it('sends liked, commented and updated (with counts) for the post, best effort', async () => {
    h = await startHarness();
    const [author, alice] = [newId(), newId()];
    const [post] = await createPosts(h, author, 1);
    const got: [string, unknown][] = [];
    h.live.subscribeLive(liveSubjects.anyForPost(post!), (payload, subject) => got.push([subject, payload]));

    await h.gql(LIKE, { p: post }, alice);
    await eventually(async () => (got.length >= 2 ? true : undefined));
    const comment = (await h.gql(COMMENT, { p: post, t: 'hi' }, alice)).data.addComment;
    await eventually(async () => (got.length >= 4 ? true : undefined));
    expect(got).toEqual([
      [liveSubjects.postLiked(post!), { postId: post, userId: alice, likeCount: 1 }],
      [liveSubjects.postUpdated(post!), { postId: post, likeCount: 1, commentCount: 0, viewCount: 0 }],
      [liveSubjects.postCommented(post!), { postId: post, commentId: comment.id, authorId: alice, commentCount: 1 }],
      [liveSubjects.postUpdated(post!), { postId: post, likeCount: 1, commentCount: 1, viewCount: 0 }],
    ]);
  });

  it('still sends them when the durable publish and the settle fail (the relay finishes those later)', async () => {
    h = await startHarness({ env: { OUTBOX_STALE_MS: '0' } });
    const [author, alice] = [newId(), newId()];
    const [post] = await createPosts(h, author, 1);
    const got: string[] = [];
    h.live.subscribeLive(liveSubjects.anyForPost(post!), (_payload, subject) => got.push(subject));
    const pub = jest.spyOn(h.bus, 'publish').mockRejectedValue(new Error('JetStream down'));
    const [likes, removals] = h.likes.outboxSources();
    jest.spyOn(h.likes, 'outboxSources').mockReturnValue([{ ...likes!, settle: () => Promise.reject(new Error('died')) }, removals!]);

    await h.gql(LIKE, { p: post }, alice);
    await eventually(async () => (got.length >= 2 ? true : undefined));
    expect(got).toEqual([liveSubjects.postLiked(post!), liveSubjects.postUpdated(post!)]);
    jest.mocked(h.likes.outboxSources).mockRestore();
    pub.mockRestore();
    expect(await h.service.workers.relayNow()).toBe(1); // the durable event still goes out, through the relay
  });
});
