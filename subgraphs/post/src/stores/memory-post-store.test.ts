import { MemoryPostStore } from './memory-post-store';
import { postStoreContract } from './post-store.contract';

postStoreContract('memory', async () => ({ store: new MemoryPostStore() }));
