import fc from 'fast-check';
import { eventually } from '@social/test-kit';
import type { FeedHarness } from './feed-harness';

/**
 * The simple model the hybrid feed must agree with: a reader sees every live post by themselves and
 * by the people they follow now, newest first (ids are time-ordered). How posts got there (push, VIP
 * pull, merge on follow, rebuild after inactivity) is the system's business, not the model's.
 */
export class TimelineModel {
  readonly following = new Map<string, Set<string>>();
  readonly posts = new Map<string, { authorId: string; deleted: boolean }>();
  /** Readers marked inactive and not read since: the system may be behind for them until they read. */
  readonly inactive = new Set<string>();

  constructor(readonly users: string[]) {
    for (const u of users) this.following.set(u, new Set());
  }

  visible(reader: string): string[] {
    const follows = this.following.get(reader)!;
    return [...this.posts]
      .filter(([, p]) => !p.deleted && (p.authorId === reader || follows.has(p.authorId)))
      .map(([id]) => id)
      .sort()
      .reverse();
  }
}

export type Action =
  | { kind: 'post'; author: number }
  | { kind: 'delete'; pick: number }
  | { kind: 'follow' | 'unfollow' | 'block'; a: number; b: number }
  | { kind: 'vip'; user: number; isVip: boolean }
  | { kind: 'inactive'; user: number }
  | { kind: 'read'; user: number };

export function actionArb(users: number): fc.Arbitrary<Action> {
  const user = fc.integer({ min: 0, max: users - 1 });
  const pair = fc.tuple(user, user).filter(([a, b]) => a !== b);
  return fc.oneof(
    { weight: 5, arbitrary: user.map((author) => ({ kind: 'post' as const, author })) },
    { weight: 2, arbitrary: fc.nat().map((pick) => ({ kind: 'delete' as const, pick })) },
    { weight: 4, arbitrary: pair.map(([a, b]) => ({ kind: 'follow' as const, a, b })) },
    { weight: 2, arbitrary: pair.map(([a, b]) => ({ kind: 'unfollow' as const, a, b })) },
    { weight: 1, arbitrary: pair.map(([a, b]) => ({ kind: 'block' as const, a, b })) },
    { weight: 2, arbitrary: fc.tuple(user, fc.boolean()).map(([u, isVip]) => ({ kind: 'vip' as const, user: u, isVip })) },
    { weight: 1, arbitrary: user.map((u) => ({ kind: 'inactive' as const, user: u })) },
    { weight: 1, arbitrary: user.map((u) => ({ kind: 'read' as const, user: u })) },
  );
}

/** Applies one action to the system (through events) and to the model. */
export async function apply(h: FeedHarness, model: TimelineModel, action: Action): Promise<void> {
  const id = (i: number) => model.users[i]!;
  switch (action.kind) {
    case 'post': {
      const postId = await h.post(id(action.author));
      model.posts.set(postId, { authorId: id(action.author), deleted: false });
      return;
    }
    case 'delete': {
      const live = [...model.posts].filter(([, p]) => !p.deleted);
      if (!live.length) return;
      const [postId, post] = live[action.pick % live.length]!;
      post.deleted = true;
      return h.deletePost(postId, post.authorId);
    }
    case 'follow':
      model.following.get(id(action.a))!.add(id(action.b));
      return h.follow(id(action.a), id(action.b));
    case 'unfollow':
      model.following.get(id(action.a))!.delete(id(action.b));
      return h.unfollow(id(action.a), id(action.b));
    case 'block':
      model.following.get(id(action.a))!.delete(id(action.b));
      model.following.get(id(action.b))!.delete(id(action.a));
      return h.block(id(action.a), id(action.b));
    case 'vip':
      return h.setVip(id(action.user), action.isVip);
    case 'inactive':
      model.inactive.add(id(action.user));
      return h.goInactive(id(action.user));
    case 'read':
      model.inactive.delete(id(action.user)); // a read is a visit: the rebuild brings them up to date
      return;
  }
}

/** Waits until every active reader's timeline (all pages, READY) equals the model's. */
export async function expectAgreement(h: FeedHarness, model: TimelineModel, timeoutMs: number): Promise<void> {
  for (const reader of model.users) {
    if (model.inactive.has(reader)) continue;
    await eventually(
      async () => {
        const { ids, status } = await h.readAll(reader, 7);
        const want = model.visible(reader);
        if (status === 'READY' && JSON.stringify(ids) === JSON.stringify(want)) return true;
        throw new Error(`reader ${reader} (${status}) has ${JSON.stringify(ids)}, the model says ${JSON.stringify(want)}`);
      },
      timeoutMs,
      10,
    );
  }
}
