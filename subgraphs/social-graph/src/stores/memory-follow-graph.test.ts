import { followGraphContract } from './follow-graph.contract';
import { MemoryFollowGraph } from './memory-follow-graph';

followGraphContract('memory', async () => new MemoryFollowGraph());
