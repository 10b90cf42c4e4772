import { counterStoreContract } from './counter-store.contract';
import { MemoryCounterStore } from './memory-counter-store';

counterStoreContract('memory', async () => ({ store: new MemoryCounterStore() }));
