import { MemoryCommentStore } from './memory-comment-store';
import { commentStoreContract } from './comment-store.contract';

commentStoreContract('memory', async () => ({ store: new MemoryCommentStore() }));
