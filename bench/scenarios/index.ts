import type { Scenario } from '../harness/scenario';
import { counters } from './counters';
import { gatewayCost } from './gateway-cost';
import { socialGraph } from './social-graph';
import { timelinePull } from './timeline-pull';

export const SCENARIOS: Record<string, Scenario> = {
  [gatewayCost.name]: gatewayCost,
  [timelinePull.name]: timelinePull,
  [socialGraph.name]: socialGraph,
  [counters.name]: counters,
};
