import { MemoryUserStore } from './memory-user-store';
import { userStoreContract } from './user-store.contract';

userStoreContract('memory', async () => new MemoryUserStore());
