import type { Scenario } from '../harness/scenario';
import { counters } from './counters';
import { edgeCost } from './edge-cost';
import { gatewayCost } from './gateway-cost';
import { live } from './live';
import { notifications } from './notifications';
import { socialGraph } from './social-graph';
import { timelineFanout } from './timeline-fanout';
import { timelinePull } from './timeline-pull';
import { timelineRead } from './timeline-read';

export const SCENARIOS: Record<string, Scenario> = {
  [gatewayCost.name]: gatewayCost,
  [timelinePull.name]: timelinePull,
  [timelineRead.name]: timelineRead,
  [timelineFanout.name]: timelineFanout,
  [socialGraph.name]: socialGraph,
  [counters.name]: counters,
  [edgeCost.name]: edgeCost,
  [notifications.name]: notifications,
  [live.name]: live,
};
