import pino, { type Logger } from 'pino';

export type { Logger };

/** JSON logs (pino); pretty printing is left to the reader (`npm start` pipes through pino-pretty). */
export function createLogger(level: string, base: Record<string, unknown> = {}): Logger {
  return pino({
    level,
    base: { ...base, pid: process.pid },
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.refreshToken', '*.code'], censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
