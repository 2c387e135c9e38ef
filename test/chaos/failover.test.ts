// The chaos suite, short: Redis fails over during sending, under Sentinel and in a Cluster.
import { describe, it } from 'vitest';
import { runCase } from './cases.js';

describe('chaos (ci scale): Redis failover', () => {
  it('8. Sentinel: the primary is killed mid-edition, a replica takes over', () => runCase(8), 150_000);
  it('9. Cluster: the app slot moves mid-edition by CLUSTER FAILOVER, then its new master is killed', () => runCase(9), 150_000);
});
