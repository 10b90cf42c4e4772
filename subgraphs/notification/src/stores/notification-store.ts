/** What a notification is about. Likes and follows group; comments and mentions stay single. */
export type NotificationKind = 'LIKE' | 'FOLLOW' | 'COMMENT' | 'MENTION';

/**
 * One person's latest known action on a group (liked, or unliked), or on a block list (blocked, or
 * unblocked). The newest `at` wins, so applying the same event twice, or two events out of order,
 * ends in the same state: this is what makes the consumer idempotent.
 */
export interface Member {
  userId: string;
  /** When the event happened (the envelope's occurredAt). */
  at: Date;
  /** True: in the group (or blocked). False: withdrawn, kept so an older redelivered event cannot undo it. */
  present: boolean;
}

/** A notification group as stored. */
export interface GroupRecord {
  /** Derived from recipient, kind and target (see grouping/group-ids.ts), so redelivery finds it by `_id`. */
  id: string;
  recipientId: string;
  kind: NotificationKind;
  postId: string | null;
  commentId: string | null;
  /** Everyone who acted on the group, newest `at` first, withdrawn ones included. */
  members: Member[];
  /** How many members are present; 0 hides the group (kept until retention, for idempotency). */
  actorCount: number;
  createdAt: Date;
  /** The last time someone joined the group (processing time): orders the list and decides `read`. */
  updatedAt: Date;
  /** Optimistic concurrency: 0 for a group never stored; each save writes version + 1. */
  version: number;
}

/** Thrown by saveGroups when another writer changed (or created) a group since it was read. */
export class VersionConflict extends Error {
  constructor(groupId: string) {
    super(`notification group ${groupId} changed concurrently`);
  }
}

/**
 * The place of a group in its recipient's list: newest update first, ties by id. A fixed-width
 * string, so one comparison orders groups, seeks a page, and tests a group against the read marker.
 */
export const orderKey = (g: Pick<GroupRecord, 'updatedAt' | 'id'>): string =>
  `${g.updatedAt.getTime().toString().padStart(15, '0')}:${g.id}`;

/**
 * Notification groups and each recipient's inbox state (block list, read marker). Writes of one
 * recipient's groups come from one consumer queue at a time; the version check catches the rest.
 */
export interface NotificationStore {
  /** The stored groups among `ids` (by `_id`, the cheapest lookup on FerretDB). */
  getGroups(ids: readonly string[]): Promise<Map<string, GroupRecord>>;
  /** Stores each group as `version + 1`, if the stored one still has `version` (0: absent); else VersionConflict. */
  saveGroups(groups: readonly GroupRecord[]): Promise<void>;
  getGroup(id: string): Promise<GroupRecord | null>;
  /** Visible groups (actorCount > 0) of a recipient, order key descending, strictly before `beforeOrder`. */
  listVisible(recipientId: string, limit: number, beforeOrder?: string | null): Promise<GroupRecord[]>;
  /** How many visible groups of a recipient have an order key after `afterOrder` (all when null). */
  countVisibleAfter(recipientId: string, afterOrder: string | null): Promise<number>;
  /** Who the recipient blocked or unblocked (present = blocked), from user.blocked/unblocked events. */
  getBlocks(recipientId: string): Promise<Member[]>;
  saveBlocks(recipientId: string, blocks: readonly Member[]): Promise<void>;
  /** The order key up to which everything is read, or null when nothing was ever marked read. */
  getReadMarker(recipientId: string): Promise<string | null>;
  /** Moves the read marker forwards to `order` (never backwards); returns the marker now in force. */
  advanceReadMarker(recipientId: string, order: string): Promise<string>;
  /** Removes groups last updated before `cutoff`, at most `limit`; returns how many. */
  deleteUpdatedBefore(cutoff: Date, limit: number): Promise<number>;
  /** Database write commands issued so far (the benchmark's writes per like). */
  readonly writeCommands: number;
  ping(): Promise<void>;
}
