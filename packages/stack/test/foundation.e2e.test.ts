import { realServers, uniqueName } from '@social/test-kit';
import { startStack } from '../src/start-stack';
import { foundationStory } from './foundation.story';

// The same story on real servers: FerretDB (MongoDB wire), Neo4j, Redis and NATS JetStream.
foundationStory('the supergraph on real servers', () => startStack({ real: { ...realServers(), isolation: uniqueName('e2e') } }));
