// The scenarios in order; each is a separate case, reproducible from its seed.
import type { Scenario } from '../lib/scenario.js';
import { killWorkers } from './s1-kill-workers.js';
import { redisRestart } from './s2-redis-restart.js';
import { smtpFaults } from './s3-smtp-faults.js';

export const SCENARIOS: Scenario[] = [killWorkers, redisRestart, smtpFaults];
