import * as vscode from 'vscode';
import type { Logger } from '../core/util/logger';
import { redact } from '../core/util/redact';

/** A Logger over a LogOutputChannel that masks credentials in everything it writes. */
export function createLogger(channel: vscode.LogOutputChannel): Logger {
  return {
    trace: (m) => channel.trace(redact(m)),
    debug: (m) => channel.debug(redact(m)),
    info: (m) => channel.info(redact(m)),
    warn: (m) => channel.warn(redact(m)),
    // A stack starts with "Name: message": log it alone rather than the message twice.
    error: (m) =>
      channel.error(redact(m instanceof Error ? (m.stack?.includes(m.message) ? m.stack : `${m.message}\n${m.stack ?? ''}`) : m)),
  };
}
