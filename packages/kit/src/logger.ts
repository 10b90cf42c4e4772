import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(name: string, level = 'info'): Logger {
  return pino({
    name,
    level,
    base: { service: name },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Never let credentials reach the logs, whichever handler logs the request.
    redact: {
      paths: ['password', '*.password', 'req.headers.authorization', 'req.headers["x-internal-auth"]', 'refreshToken', '*.refreshToken'],
      censor: '[redacted]',
    },
  });
}
