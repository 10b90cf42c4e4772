import { MemoryLikeStore } from './memory-like-store';
import { likeStoreContract } from './like-store.contract';

likeStoreContract('memory', async () => ({ store: new MemoryLikeStore() }));
