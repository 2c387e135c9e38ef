// The chaos suite, short: Redis fails over during sending, under Sentinel and in a Cluster.
import { describe, it } from 'vitest';
import { runCase } from './cases.js';

describe('chaos (ci scale): Redis failover', () => {
  it('8. Sentinel: the primary is killed mid-edition, a replica takes over', () => runCase(8), 150_000);
  it('9. Cluster: the master of the app slot is killed mid-edition, its replica takes over', () => runCase(9), 150_000);
});
