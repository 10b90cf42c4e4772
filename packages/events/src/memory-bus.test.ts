import { CONTRACT_RETRY_DELAY_MS, eventBusContract } from './event-bus.contract';
import { MemoryEventBus } from './memory-bus';

eventBusContract('MemoryEventBus', async () => {
  const bus = new MemoryEventBus({ retryDelayMs: CONTRACT_RETRY_DELAY_MS });
  return {
    bus,
    peer: async () => bus, // one process: a second instance shares the same in-process log
    deadLetters: () => bus.deadLetters(),
    cleanup: () => bus.close(),
  };
});
