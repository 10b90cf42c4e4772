import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import type { Logger } from '@social/kit';

/**
 * Live events: what a subscribed client should see now (a like, a comment, new counts). Unlike the
 * durable domain events they go on core NATS, not JetStream: no storage, no acks, no redelivery. A
 * live event may be lost (a gateway that is not connected at that moment simply misses it) and that
 * is acceptable, because the durable event and the database still hold the fact; a client that
 * reconnects re-queries. Every producer instance publishes; every gateway subscribes only to the
 * subjects its clients want.
 *
 * Payloads are thin: the post's key plus the few numbers a counter on screen needs. A subscriber
 * resolves anything more through the supergraph.
 */
export interface PostLikedLive {
  postId: string;
  /** Who liked it. */
  userId: string;
  likeCount: number;
}

export interface PostCommentedLive {
  postId: string;
  commentId: string;
  /** Who wrote the comment. */
  authorId: string;
  commentCount: number;
}

export interface PostUpdatedLive {
  postId: string;
  likeCount: number;
  commentCount: number;
  viewCount: number;
}

export interface NotificationLive {
  /** The recipient. */
  userId: string;
  /** The notification group that was created or changed (Notification.id). */
  groupId: string;
  /** The recipient's unread count after the change. */
  unreadCount: number;
}

/** A post landed in a reader's home timeline (the feed's fan-out reached them). */
export interface TimelineUpdatedLive {
  userId: string;
  postId: string;
}

/** A VIP author posted: their followers pull it at read time, so there is no per-follower push. */
export interface AuthorPostedLive {
  authorId: string;
  postId: string;
}

/**
 * The people this reader follows changed (a follow, an unfollow, a block). A gateway serving the reader's
 * homeTimelineUpdated re-reads which VIPs they follow, whose `authorPosted` subjects it listens to.
 */
export interface FollowingChangedLive {
  userId: string;
}

/** A live subject string that remembers its payload type, so a publish cannot pair them wrongly. */
export type LiveSubject<P> = string & { readonly __livePayload?: P };

const postSubject = (postId: string, topic: string) => `live.post.${postId}.${topic}`;

/** The one builder of live subject names (no live subject string is typed anywhere else). */
export const liveSubjects = {
  postLiked: (postId: string) => postSubject(postId, 'liked') as LiveSubject<PostLikedLive>,
  postCommented: (postId: string) => postSubject(postId, 'commented') as LiveSubject<PostCommentedLive>,
  /** Counts changed (like, unlike, comment added or deleted). */
  postUpdated: (postId: string) => postSubject(postId, 'updated') as LiveSubject<PostUpdatedLive>,
  /** Wildcard: everything live about one post. */
  anyForPost: (postId: string) => postSubject(postId, '>'),
  /** Something new is in this reader's home timeline (published by the feed's fan-out workers). */
  timelineUpdated: (userId: string) => `live.timeline.${userId}.updated` as LiveSubject<TimelineUpdatedLive>,
  /** This reader's followings changed (published by the feed's dispatcher once it applied the change). */
  followingChanged: (userId: string) => `live.timeline.${userId}.following` as LiveSubject<FollowingChangedLive>,
  /** A VIP posted (no fan-out): followers' screens learn it here. */
  authorPosted: (authorId: string) => `live.author.${authorId}.posted` as LiveSubject<AuthorPostedLive>,
  /** A notification group of this person was created or changed (published by the notification service). */
  notification: (userId: string) => `live.user.${userId}.notification` as LiveSubject<NotificationLive>,
} as const;

export interface LivePublisher {
  /** Best effort: never throws; a failure is logged and the live event is dropped. */
  publishLive<P>(subject: LiveSubject<P>, payload: P): Promise<void>;
  close(): Promise<void>;
}

export interface LiveSubscription {
  unsubscribe(): void;
}

export interface LiveSubscriber {
  /** `subject` may use NATS wildcards (`*` one token, `>` the rest). */
  subscribeLive(subject: string, handler: (payload: unknown, subject: string) => void): LiveSubscription;
}

/** True when NATS subject `subject` matches `pattern` (with `*` and `>` wildcards). */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}

/** The in-process live bus of the embedded default and of unit tests. Delivery is asynchronous. */
export class MemoryLiveBus implements LivePublisher, LiveSubscriber {
  private readonly subs = new Set<{ pattern: string; handler: (payload: unknown, subject: string) => void }>();
  private closed = false;

  async publishLive<P>(subject: LiveSubject<P>, payload: P): Promise<void> {
    if (this.closed) return;
    const copy = JSON.parse(JSON.stringify(payload)) as unknown; // as over the wire: no shared objects
    for (const sub of this.subs) {
      if (subjectMatches(sub.pattern, subject)) setImmediate(() => sub.handler(copy, subject));
    }
  }

  subscribeLive(subject: string, handler: (payload: unknown, subject: string) => void): LiveSubscription {
    const sub = { pattern: subject, handler };
    this.subs.add(sub);
    return { unsubscribe: () => void this.subs.delete(sub) };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.subs.clear();
  }
}

export interface NatsLiveBusOptions {
  /** NATS server URL(s), comma-separated. */
  servers: string;
  /** The same prefix as the event bus's, isolating deployments and test runs on one server. */
  subjectPrefix?: string;
  logger: Logger;
  name?: string;
}

const CONNECT_TIMEOUT_MS = 5_000;

/**
 * Live events on core NATS, on a connection of their own so a JetStream slowdown never delays them.
 * While disconnected the client buffers publishes and sends them on reconnect (or drops them when the
 * buffer fills): best effort, as live events are.
 */
export class NatsLiveBus implements LivePublisher, LiveSubscriber {
  private constructor(
    private readonly nc: NatsConnection,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {}

  static async connect(opts: NatsLiveBusOptions): Promise<NatsLiveBus> {
    const nc = await connect({
      servers: opts.servers.split(',').map((s) => s.trim()),
      name: opts.name ? `${opts.name}-live` : undefined,
      timeout: CONNECT_TIMEOUT_MS,
      maxReconnectAttempts: -1,
    });
    return new NatsLiveBus(nc, opts.subjectPrefix ?? '', opts.logger);
  }

  async publishLive<P>(subject: LiveSubject<P>, payload: P): Promise<void> {
    try {
      this.nc.publish(`${this.prefix}${subject}`, JSON.stringify(payload));
    } catch (err) {
      this.logger.warn({ err, subject }, 'live event dropped');
    }
  }

  subscribeLive(subject: string, handler: (payload: unknown, subject: string) => void): LiveSubscription {
    const sub: Subscription = this.nc.subscribe(`${this.prefix}${subject}`, {
      callback: (err, msg) => {
        if (err) return this.logger.warn({ err, subject }, 'live subscription error');
        try {
          handler(msg.json(), msg.subject.slice(this.prefix.length));
        } catch (e) {
          this.logger.warn({ err: e, subject: msg.subject }, 'live handler failed');
        }
      },
    });
    return { unsubscribe: () => sub.unsubscribe() };
  }

  /** Resolves once every publish so far reached the server (tests; shutdown). */
  async flush(): Promise<void> {
    await this.nc.flush();
  }

  async close(): Promise<void> {
    if (this.nc.isClosed()) return;
    await this.nc.drain().catch(() => this.nc.close());
  }
}

export interface CreateLiveBusOptions {
  natsUrl?: string;
  subjectPrefix?: string;
  logger: Logger;
  name?: string;
}

/** Core NATS when NATS_URL is configured, otherwise the in-process live bus. */
export async function createLiveBus(opts: CreateLiveBusOptions): Promise<LivePublisher & LiveSubscriber> {
  if (!opts.natsUrl) return new MemoryLiveBus();
  return NatsLiveBus.connect({ servers: opts.natsUrl, subjectPrefix: opts.subjectPrefix, logger: opts.logger, name: opts.name });
}
