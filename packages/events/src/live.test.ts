import { MemoryLiveBus, liveSubjects, subjectMatches } from './live';

describe('liveSubjects', () => {
  it('builds the per-post subjects', () => {
    const id = 'a'.repeat(24);
    expect(liveSubjects.postLiked(id)).toBe(`live.post.${id}.liked`);
    expect(liveSubjects.postCommented(id)).toBe(`live.post.${id}.commented`);
    expect(liveSubjects.postUpdated(id)).toBe(`live.post.${id}.updated`);
    expect(liveSubjects.anyForPost(id)).toBe(`live.post.${id}.>`);
  });
});

describe('subjectMatches', () => {
  it.each([
    ['live.post.1.liked', 'live.post.1.liked', true],
    ['live.post.*.liked', 'live.post.1.liked', true],
    ['live.post.1.>', 'live.post.1.liked', true],
    ['live.>', 'live.post.1.liked', true],
    ['live.post.1.>', 'live.post.1', false],
    ['live.post.*.liked', 'live.post.1.commented', false],
    ['live.post.1', 'live.post.1.liked', false],
    ['live.post.1.liked.x', 'live.post.1.liked', false],
  ])('%s matches %s: %s', (pattern, subject, expected) => {
    expect(subjectMatches(pattern, subject)).toBe(expected);
  });
});

describe('MemoryLiveBus', () => {
  it('delivers to matching subscribers asynchronously, as copies, until they unsubscribe', async () => {
    const bus = new MemoryLiveBus();
    const got: [unknown, string][] = [];
    const sub = bus.subscribeLive(liveSubjects.anyForPost('p1'), (payload, subject) => got.push([payload, subject]));
    bus.subscribeLive(liveSubjects.anyForPost('p2'), () => got.push(['wrong post', '']));
    const payload = { postId: 'p1', userId: 'u', likeCount: 1 };
    await bus.publishLive(liveSubjects.postLiked('p1'), payload);
    expect(got).toEqual([]); // not yet: delivery is asynchronous
    await new Promise((r) => setImmediate(r));
    expect(got).toEqual([[payload, 'live.post.p1.liked']]);
    expect(got[0]![0]).not.toBe(payload);

    sub.unsubscribe();
    await bus.publishLive(liveSubjects.postLiked('p1'), payload);
    await new Promise((r) => setImmediate(r));
    expect(got).toHaveLength(1);
    await bus.close();
  });
});
