import { discoveryGraphContract } from './discovery-graph.contract';
import { followGraphContract } from './follow-graph.contract';
import { memoryGraphStores } from './graph-stores';
import { outboxContract } from './outbox.contract';

const make = async (opts: Parameters<typeof memoryGraphStores>[0]) => memoryGraphStores(opts);

followGraphContract('memory', make);
discoveryGraphContract('memory', make);
outboxContract('memory', make);
