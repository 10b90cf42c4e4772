import type { GroupRecord, Member } from '../stores/notification-store';
import type { ActivityChange, BlockChange } from './changes';

/** A group remembers this many people; a bigger burst in one window still shows "and N others" up to here. */
export const MAX_GROUP_MEMBERS = 5_000; // ~250 KB per group document; far above any screen, far below the 16 MB limit

/**
 * Sets `userId`'s state in a last-writer-wins member list (newest `at` first). Returns 'none' when an
 * equal or newer state is already there (a redelivered or out-of-order event), 'joined' when the
 * person became present, 'changed' otherwise.
 */
export function setMember(members: Member[], userId: string, at: Date, present: boolean): 'none' | 'joined' | 'changed' {
  const i = members.findIndex((m) => m.userId === userId);
  const old = i >= 0 ? members[i]! : undefined;
  if (old && !newerThan(at, present, old)) return 'none';
  if (old) members.splice(i, 1);
  else if (members.length >= MAX_GROUP_MEMBERS && !dropOldestWithdrawn(members)) return 'none';
  // Ties go first too: of two actions in one millisecond, the one handled last shows as newest.
  const before = members.findIndex((m) => m.at.getTime() <= at.getTime());
  members.splice(before < 0 ? members.length : before, 0, { userId, at, present });
  return present && !old?.present ? 'joined' : 'changed';
}

/**
 * Whether a state at `at` replaces `old`: a later one does; of two in the same millisecond the
 * withdrawal wins (a like and an unlike that close together end unliked, whatever order they arrive in).
 */
function newerThan(at: Date, present: boolean, old: Member): boolean {
  const diff = at.getTime() - old.at.getTime();
  return diff > 0 || (diff === 0 && old.present && !present);
}

function dropOldestWithdrawn(members: Member[]): boolean {
  for (let i = members.length - 1; i >= 0; i--) {
    if (!members[i]!.present) return members.splice(i, 1).length > 0;
  }
  return false;
}

/** Applies block changes to a block list; true when it changed. */
export function applyBlocks(blocks: Member[], changes: readonly BlockChange[]): boolean {
  let changed = false;
  for (const c of changes) if (setMember(blocks, c.userId, c.at, c.blocked) !== 'none') changed = true;
  return changed;
}

export const isBlocked = (blocks: readonly Member[], userId: string) => blocks.some((m) => m.userId === userId && m.present);

/**
 * Applies activity changes to the groups they name (`groups` holds the stored ones; new groups are
 * added to it). Returns the ids of groups that changed. A group's updatedAt moves to `now` when
 * someone joins it, which puts it on top of the list and makes it unread again.
 */
export function applyActivity(
  groups: Map<string, GroupRecord>,
  changes: readonly ActivityChange[],
  blocks: readonly Member[],
  now: Date,
): Set<string> {
  const changed = new Set<string>();
  const touch = (g: GroupRecord, result: 'none' | 'joined' | 'changed') => {
    if (result === 'none') return false;
    if (result === 'joined') g.updatedAt = now;
    g.actorCount = g.members.filter((m) => m.present).length;
    changed.add(g.id);
    return true;
  };
  for (const c of changes) {
    if (c.present) {
      if (isBlocked(blocks, c.actorId)) continue;
      const g = groupFor(groups, c.groupIds[0]!, c, now);
      touch(g, setMember(g.members, c.actorId, c.at, true));
      continue;
    }
    // An undo: take the person out wherever they are; when they are nowhere yet (the event it undoes
    // is still to come, redelivered late), leave a withdrawn member so that event changes nothing.
    let found = false;
    for (const id of c.groupIds) {
      const g = groups.get(id);
      if (g?.members.some((m) => m.userId === c.actorId)) {
        found = true;
        touch(g, setMember(g.members, c.actorId, c.at, false));
      }
    }
    if (!found) {
      const g = groupFor(groups, c.groupIds[0]!, c, now);
      touch(g, setMember(g.members, c.actorId, c.at, false));
    }
  }
  return changed;
}

function groupFor(groups: Map<string, GroupRecord>, id: string, c: ActivityChange, now: Date): GroupRecord {
  let g = groups.get(id);
  if (!g) {
    g = {
      id,
      recipientId: c.recipientId,
      kind: c.kind,
      postId: c.postId,
      commentId: c.commentId,
      members: [],
      actorCount: 0,
      createdAt: now,
      updatedAt: now,
      version: 0,
    };
    groups.set(id, g);
  }
  return g;
}
