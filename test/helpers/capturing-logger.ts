import { inspect } from 'node:util';
import type { Logger } from '../../src/logger';

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: object;
  msg: string | undefined;
}

/** A pino-shaped logger that keeps every entry, so tests can scan what was logged. */
export class CapturingLogger implements Logger {
  readonly entries: LogEntry[] = [];

  debug(obj: object, msg?: string): void {
    this.entries.push({ level: 'debug', obj, msg });
  }

  info(obj: object, msg?: string): void {
    this.entries.push({ level: 'info', obj, msg });
  }

  warn(obj: object, msg?: string): void {
    this.entries.push({ level: 'warn', obj, msg });
  }

  error(obj: object, msg?: string): void {
    this.entries.push({ level: 'error', obj, msg });
  }

  /** Everything logged, rendered deeply (as a logger's serialiser might dig), as one string. */
  text(): string {
    return this.entries
      .map(
        (entry) =>
          `${entry.level} ${entry.msg ?? ''} ${inspect(entry.obj, { depth: 10, showHidden: true })} ${JSON.stringify(entry.obj)}`,
      )
      .join('\n');
  }

  messages(level?: LogEntry['level']): string[] {
    return this.entries
      .filter((entry) => level === undefined || entry.level === level)
      .map((entry) => entry.msg ?? '');
  }
}
