import fc from 'fast-check';
import { newId } from '@social/kit';
import { realServers, uniqueName } from '@social/test-kit';
import { FeedHarness, realParts } from '../testing/feed-harness';
import { actionArb, apply, expectAgreement, TimelineModel } from '../testing/timeline-model';

const USERS = 3; // few people, so random actions often hit the same pair (follow, post, unfollow, ...)
const servers = realServers();

describe('hybrid feed model (real Redis and NATS JetStream)', () => {
  it('agrees with the model after every step of random sequences, through JetStream and Redis', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(actionArb(USERS), { minLength: 10, maxLength: 25, size: 'max' }), async (actions) => {
        const h = await FeedHarness.start(await realParts(servers, uniqueName('feedm'), 2));
        const model = new TimelineModel(Array.from({ length: USERS }, () => newId()));
        try {
          for (const action of actions) {
            await apply(h, model, action);
            await expectAgreement(h, model, 10_000);
          }
        } finally {
          await h.close();
        }
      }),
      { numRuns: 12, endOnFailure: true },
    );
  });
});
