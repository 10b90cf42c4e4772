import { startStack } from '../src/start-stack';
import { foundationStory } from './foundation.story';

// The embedded default: memory stores and the in-process bus, exactly what `npm start` runs.
foundationStory('the supergraph on memory stores (embedded default)', () => startStack());
