// pino JSON logs. Every line carries a stable `event` name (e.g. `subscriber.confirmed`);
// addresses and tokens are never logged at info level.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, name: string): Logger {
  return pino({
    name,
    level,
    base: { process: name },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['email', 'token', '*.email', '*.token', 'req.headers.authorization'], censor: '[redacted]' },
  });
}

/** SMTP replies often quote the recipient ("550 <a@b>: no such user"); keep addresses out of logs. */
export function redactAddresses(text: string): string {
  return text.replace(/[^\s<>"'(),;:]+@[^\s<>"'(),;:]+/g, '[address]');
}
