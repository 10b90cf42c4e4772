import fc from 'fast-check';
import { newId } from '@social/kit';
import { FeedHarness, memoryParts } from '../testing/feed-harness';
import { actionArb, apply, expectAgreement, TimelineModel } from '../testing/timeline-model';

const USERS = 3; // few people, so random actions often hit the same pair (follow, post, unfollow, ...)

describe('hybrid feed model (memory bus, queue and store)', () => {
  it('agrees with the model after every step of random post/delete/follow/unfollow/block/VIP/inactivity/read sequences', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(actionArb(USERS), { minLength: 10, maxLength: 40, size: 'max' }), async (actions) => {
        const h = await FeedHarness.start(memoryParts());
        const model = new TimelineModel(Array.from({ length: USERS }, () => newId()));
        try {
          for (const action of actions) {
            await apply(h, model, action);
            await expectAgreement(h, model, 5_000);
          }
        } finally {
          await h.close();
        }
      }),
      { numRuns: 40, endOnFailure: true },
    );
  });
});
