import { MemoryLiveBus } from '@social/events';
import { createLogger } from '@social/kit';
import { eventually } from '@social/test-kit';
import { LiveFanIn } from '../src/subscriptions/fan-in';
import { ViewerSubjects } from '../src/subscriptions/viewer-subjects';

const SPEC = { ids: '_followedVipIds', subject: 'live.author.{id}.posted', refresh: 'live.timeline.{viewer.id}.following' };
const logger = createLogger('test', 'silent');

describe('ViewerSubjects', () => {
  let bus: MemoryLiveBus;
  beforeEach(() => (bus = new MemoryLiveBus()));
  afterEach(() => bus.close());

  it('folds change events that arrive during a lookup into one more lookup after it', async () => {
    const fanIn = new LiveFanIn(bus);
    let calls = 0;
    let release: () => void = () => {};
    const lookup = async () => {
      calls++;
      if (calls === 1) await new Promise<void>((r) => (release = r)); // the first lookup is slow
      return [`v${calls}`];
    };
    const subjects = new ViewerSubjects({ spec: SPEC, viewerId: 'u1', fanIn, lookup, onEvent: () => {}, refreshMs: 60_000, logger });
    subjects.start();
    for (let i = 0; i < 3; i++) await bus.publishLive('live.timeline.u1.following', { userId: 'u1' });
    await new Promise((r) => setImmediate(r)); // the memory bus delivers on the next turn
    release();
    await eventually(async () => (subjects.subjects.includes('live.author.v2.posted') ? true : undefined));
    await new Promise((r) => setTimeout(r, 50));
    expect(calls).toBe(2);
    expect(subjects.subjects).toEqual(['live.author.v2.posted']);
    subjects.stop();
  });

  it('asks again periodically, and neither asks nor listens once stopped', async () => {
    const fanIn = new LiveFanIn(bus);
    let calls = 0;
    const lookup = async () => [`v${++calls}`];
    const subjects = new ViewerSubjects({ spec: SPEC, viewerId: 'u1', fanIn, lookup, onEvent: () => {}, refreshMs: 40, logger });
    subjects.start();
    await eventually(async () => (calls >= 4 ? true : undefined), 2_000, 10);
    subjects.stop();
    const after = calls;
    await new Promise((r) => setTimeout(r, 150));
    expect(calls).toBe(after);
    expect(fanIn.subjectCount).toBe(0);
  });
});
