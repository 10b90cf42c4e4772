import { createLogger } from '@social/kit';
import { eventually, realServers, uniqueName } from '@social/test-kit';
import { NatsLiveBus, liveSubjects } from './live';

const { natsUrl } = realServers();
const logger = createLogger('live-test', 'silent');

describe('NatsLiveBus on core NATS', () => {
  it('delivers a live event to a subscriber of another connection, within the subject prefix', async () => {
    const prefix = `${uniqueName('live')}.`;
    const publisher = await NatsLiveBus.connect({ servers: natsUrl, subjectPrefix: prefix, logger });
    const subscriber = await NatsLiveBus.connect({ servers: natsUrl, subjectPrefix: prefix, logger });
    const other = await NatsLiveBus.connect({ servers: natsUrl, subjectPrefix: `${uniqueName('live')}.`, logger });
    try {
      const got: [unknown, string][] = [];
      const stray: unknown[] = [];
      subscriber.subscribeLive(liveSubjects.anyForPost('p1'), (payload, subject) => got.push([payload, subject]));
      other.subscribeLive('live.>', (payload) => stray.push(payload));
      await subscriber.flush();
      await other.flush();

      await publisher.publishLive(liveSubjects.postUpdated('p1'), { postId: 'p1', likeCount: 2, commentCount: 1, viewCount: 9 });
      await publisher.flush();
      await eventually(async () => (got.length === 1 ? true : undefined));
      expect(got).toEqual([[{ postId: 'p1', likeCount: 2, commentCount: 1, viewCount: 9 }, 'live.post.p1.updated']]);
      expect(stray).toEqual([]);
    } finally {
      await Promise.all([publisher.close(), subscriber.close(), other.close()]);
    }
  });
});
