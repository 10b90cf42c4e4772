import { MemoryTimelineStore } from './memory-timeline-store';
import { timelineStoreContract } from './timeline-store.contract';

timelineStoreContract('memory', async (caps) => ({ store: new MemoryTimelineStore(caps.timeline, caps.recent), close: async () => {} }));
