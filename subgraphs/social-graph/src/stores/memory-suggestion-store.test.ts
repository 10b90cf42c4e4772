import { MemorySuggestionStore } from './memory-suggestion-store';
import { suggestionStoreContract } from './suggestion-store.contract';

suggestionStoreContract('memory', async ({ keepMs }) => new MemorySuggestionStore({ keepMs }));
