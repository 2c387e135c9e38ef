// The scenarios in order; each is a separate case, reproducible from its seed.
import type { Scenario } from '../lib/scenario.js';
import { killWorkers } from './s1-kill-workers.js';
import { redisRestart } from './s2-redis-restart.js';
import { smtpFaults } from './s3-smtp-faults.js';
import { schedulers } from './s4-schedulers.js';
import { signupFlood } from './s5-signup-flood.js';
import { hostileInput } from './s6-hostile-input.js';
import { security } from './s7-security.js';
import { clusterFailover, sentinelFailover } from './s8-s9-failover.js';
import { redisCrash } from './s10-redis-crash.js';
import { redisFull } from './s11-redis-full.js';
import { partition } from './s12-partition.js';
import { clockSkew } from './s13-clock-skew.js';

export const SCENARIOS: Scenario[] = [killWorkers, redisRestart, smtpFaults, schedulers, signupFlood, hostileInput, security, sentinelFailover, clusterFailover, redisCrash, redisFull, partition, clockSkew];
