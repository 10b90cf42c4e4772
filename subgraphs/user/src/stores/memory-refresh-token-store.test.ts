import { MemoryRefreshTokenStore } from './memory-refresh-token-store';
import { refreshTokenStoreContract } from './refresh-token-store.contract';

refreshTokenStoreContract('memory', async () => new MemoryRefreshTokenStore());
