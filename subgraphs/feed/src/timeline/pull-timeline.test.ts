import { newId } from '@social/kit';
import { MemoryFollowingSource } from '../sources/memory-following-source';
import { MemoryPostSource } from '../sources/memory-post-source';
import { MAX_AUTHORS_PULLED, PullTimeline } from './pull-timeline';

const viewer = newId();
const alice = newId();
const bob = newId();
const carol = newId();
const stranger = newId();

function setup() {
  const following = new MemoryFollowingSource();
  const posts = new MemoryPostSource();
  return { following, posts, timeline: new PullTimeline(following, posts) };
}

/** Posts in creation order (newId() is increasing within a process); returns their ids in that order. */
function write(posts: MemoryPostSource, ...authors: string[]): string[] {
  return authors.map((author) => {
    const id = newId();
    posts.add(author, id);
    return id;
  });
}

/** Reads the whole timeline page by page, as a client following endCursor would. */
async function readAll(timeline: PullTimeline, viewerId: string, limit: number): Promise<string[][]> {
  const pages: string[][] = [];
  let after: string | null = null;
  for (;;) {
    const page = await timeline.page(viewerId, limit, after);
    pages.push(page.ids);
    if (!page.hasNext) return pages;
    after = page.ids[page.ids.length - 1]!;
  }
}

describe('PullTimeline', () => {
  it('is the strategy named "pull"', () => {
    expect(setup().timeline.name).toBe('pull');
  });

  it('merges several followees newest first and leaves out people not followed', async () => {
    const { following, posts, timeline } = setup();
    following.follow(viewer, alice, bob, carol);
    const ids = write(posts, alice, stranger, bob, carol, alice, stranger, bob);
    const page = await timeline.page(viewer, 20, null);
    const expected = [ids[6], ids[4], ids[3], ids[2], ids[0]];
    expect(page).toEqual({ ids: expected, hasNext: false });
  });

  it("includes the viewer's own posts", async () => {
    const { following, posts, timeline } = setup();
    following.follow(viewer, alice);
    const ids = write(posts, alice, viewer, alice);
    expect((await timeline.page(viewer, 20, null)).ids).toEqual([ids[2], ids[1], ids[0]]);
  });

  it('leaves out deleted posts', async () => {
    const { following, posts, timeline } = setup();
    following.follow(viewer, alice);
    const ids = write(posts, alice, alice, alice);
    posts.delete(ids[1]!);
    expect((await timeline.page(viewer, 20, null)).ids).toEqual([ids[2], ids[0]]);
  });

  it('pages through everything with no post skipped or repeated', async () => {
    const { following, posts, timeline } = setup();
    following.follow(viewer, alice, bob);
    const ids = write(posts, ...Array.from({ length: 23 }, (_, i) => [alice, bob, viewer, stranger][i % 4]!));
    const visible = ids.filter((_, i) => i % 4 !== 3).reverse();
    const pages = await readAll(timeline, viewer, 5);
    expect(pages.map((p) => p.length)).toEqual([5, 5, 5, 3]);
    expect(pages.flat()).toEqual(visible);
  });

  it('says there is no next page when the last page is exactly full', async () => {
    const { following, posts, timeline } = setup();
    following.follow(viewer, alice);
    const ids = write(posts, alice, alice, alice, alice);
    const first = await timeline.page(viewer, 2, null);
    expect(first).toEqual({ ids: [ids[3], ids[2]], hasNext: true });
    expect(await timeline.page(viewer, 2, ids[2]!)).toEqual({ ids: [ids[1], ids[0]], hasNext: false });
  });

  it('does not shift page 2 when a post is published between page 1 and page 2', async () => {
    const { following, posts, timeline } = setup();
    following.follow(viewer, alice, bob);
    const ids = write(posts, alice, bob, alice, bob, alice, bob);
    const page1 = await timeline.page(viewer, 3, null);
    expect(page1.ids).toEqual([ids[5], ids[4], ids[3]]);
    const fresh = write(posts, bob)[0]!;
    const page2 = await timeline.page(viewer, 3, page1.ids[2]!);
    expect(page2).toEqual({ ids: [ids[2], ids[1], ids[0]], hasNext: false });
    // The new post is at the top the next time the first page is loaded.
    expect((await timeline.page(viewer, 3, null)).ids[0]).toBe(fresh);
  });

  it('is empty for someone who follows nobody and has not posted', async () => {
    const { posts, timeline } = setup();
    write(posts, alice, bob, stranger);
    expect(await timeline.page(viewer, 20, null)).toEqual({ ids: [], hasNext: false });
  });

  it('shows only their own posts to someone who follows nobody', async () => {
    const { posts, timeline } = setup();
    const ids = write(posts, alice, viewer, bob);
    expect((await timeline.page(viewer, 20, null)).ids).toEqual([ids[1]]);
  });

  it('stops showing someone once unfollowed (nothing is stored between reads)', async () => {
    const { following, posts, timeline } = setup();
    following.follow(viewer, alice, bob);
    const ids = write(posts, alice, bob);
    expect((await timeline.page(viewer, 20, null)).ids).toEqual([ids[1], ids[0]]);
    following.unfollow(viewer, bob);
    expect((await timeline.page(viewer, 20, null)).ids).toEqual([ids[0]]);
  });

  it('asks for one post more than the page and at most MAX_AUTHORS_PULLED authors, the viewer once', async () => {
    const { following, posts, timeline } = setup();
    const many = Array.from({ length: MAX_AUTHORS_PULLED + 10 }, () => newId());
    following.follow(viewer, viewer, ...many);
    await timeline.page(viewer, 7, null);
    const query = posts.queries[0]!;
    expect(query.limit).toBe(8);
    expect(query.before).toBeNull();
    expect(query.authorIds.length).toBeLessThanOrEqual(MAX_AUTHORS_PULLED);
    expect(query.authorIds.filter((id) => id === viewer)).toHaveLength(1);
  });

  it('never repeats or goes backwards even when the upstream answers out of order', async () => {
    const ids = [newId(), newId(), newId(), newId()];
    const sloppy = new PullTimeline(
      { followingIds: async () => [alice] },
      { recentPostIds: async () => [ids[0]!, ids[3]!, ids[2]!, ids[2]!, ids[1]!], livePostIds: async (live) => live },
    );
    expect(await sloppy.page(viewer, 2, ids[3]!)).toEqual({ ids: [ids[2], ids[1]], hasNext: true });
  });
});
