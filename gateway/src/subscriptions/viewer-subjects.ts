import type { Logger } from '@social/kit';
import type { LiveFanIn } from './fan-in';
import type { LiveSubjectsFrom } from './live-schema';
import { renderIdSubject, renderSubject } from './subject';
import type { ViewerIdsLookup } from './viewer-ids';

/** Most extra subjects one viewer's group listens on (a viewer following more VIPs than this gets the first ones). */
export const MAX_VIEWER_SUBJECTS = 2_000;
/** After a failed lookup the ids are asked for again this soon, not only at the next periodic refresh. */
export const VIEWER_SUBJECTS_RETRY_MS = 10_000;

export interface ViewerSubjectsOptions {
  spec: LiveSubjectsFrom;
  viewerId: string;
  fanIn: LiveFanIn;
  lookup: ViewerIdsLookup;
  /** Every event of every extra subject goes here (the group's queue). */
  onEvent: (event: unknown) => void;
  refreshMs: number;
  logger: Logger;
}

/**
 * The subjects a group listens on besides its own, for a `@liveSubjectsFrom` field: for
 * homeTimelineUpdated, `live.author.<vip>.posted` of each VIP the viewer follows, since VIP posts are
 * not pushed into timelines and so never reach the viewer's own subject. The set is read when the
 * group starts, again on each event of the refresh subject (the feed sends one per follow, unfollow
 * or block, once it has applied it) and periodically for changes no event announces (an account
 * turning VIP). Subjects are shared through the fan-in: a VIP followed by ten thousand viewers on
 * this gateway is one bus subscription.
 */
export class ViewerSubjects {
  private readonly listening = new Map<string, () => void>();
  private stopRefreshEvents: () => void = () => {};
  private timer?: NodeJS.Timeout;
  private retry?: NodeJS.Timeout;
  private running = false;
  private again = false;
  private stopped = false;

  constructor(private readonly opts: ViewerSubjectsOptions) {}

  start(): void {
    const { spec, viewerId, fanIn, refreshMs } = this.opts;
    this.stopRefreshEvents = fanIn.listen(renderSubject(spec.refresh, {}, viewerId), () => this.refresh());
    // The first periodic refresh comes at a random point of the first period: groups created together (a
    // gateway restarting, ten thousand clients reconnecting) then do not all ask again in the same second.
    this.timer = setTimeout(
      () => {
        this.refresh();
        this.timer = setInterval(() => this.refresh(), refreshMs).unref();
      },
      Math.round(refreshMs * (0.5 + Math.random() / 2)),
    ).unref();
    this.refresh();
  }

  /** Asks for the ids again; requests arriving while one is running are folded into one more after it. */
  refresh(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.load().finally(() => {
      this.running = false;
      if (!this.again) return;
      this.again = false;
      this.refresh();
    });
  }

  /** The extra subjects listened on now (tests, metrics). */
  get subjects(): string[] {
    return [...this.listening.keys()];
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer); // the first period's timeout or the interval after it: Node clears either
    clearTimeout(this.retry);
    this.stopRefreshEvents();
    for (const stop of this.listening.values()) stop();
    this.listening.clear();
  }

  private async load(): Promise<void> {
    const { spec, viewerId, fanIn, lookup, onEvent, logger } = this.opts;
    let ids: string[];
    try {
      ids = await lookup(spec.ids, viewerId);
    } catch (err) {
      // The subjects already listened on stay: better a set a few minutes old than none.
      logger.warn({ err, field: spec.ids }, 'live subjects could not be read; keeping the previous ones and retrying');
      clearTimeout(this.retry);
      this.retry = setTimeout(() => this.refresh(), VIEWER_SUBJECTS_RETRY_MS).unref();
      return;
    }
    if (this.stopped) return;
    if (ids.length > MAX_VIEWER_SUBJECTS)
      logger.warn({ field: spec.ids, count: ids.length }, 'too many live subjects; listening on the first ones');
    const wanted = new Set<string>();
    for (const id of ids.slice(0, MAX_VIEWER_SUBJECTS)) {
      const subject = renderIdSubject(spec.subject, id);
      if (subject) wanted.add(subject);
    }
    for (const [subject, stop] of this.listening) {
      if (wanted.has(subject)) continue;
      stop();
      this.listening.delete(subject);
    }
    for (const subject of wanted) if (!this.listening.has(subject)) this.listening.set(subject, fanIn.listen(subject, onEvent));
  }
}
