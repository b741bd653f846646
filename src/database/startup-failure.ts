import { createServer } from 'node:net';

/**
 * Why `npm start` could not start, as one sentence for the operator (main.ts prints it and exits
 * with 1): a port taken, a data directory in use, a full disk, a database URL that leads nowhere.
 * Plain functions of the error and the settings, so each sentence has a unit test.
 */

/** A start-up failure whose message is already the sentence to print. */
export class StartupError extends Error {
  override name = 'StartupError';
}

export interface StartupContext {
  /** The app's HTTP port. */
  port: number;
  dataDir: string;
  /** The embedded PostgreSQL's port, when the app starts it. */
  embeddedDbPort?: number;
  /** DATABASE_URL, when set. */
  databaseUrl?: string;
}

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  syscall?: unknown;
  port?: unknown;
}

function fieldsOf(error: unknown): ErrorLike {
  return typeof error === 'object' && error !== null ? error : {};
}

/** host:port/database of a URL, without the user and password. */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (!/^postgres(ql)?:$/.test(parsed.protocol)) {
      return 'a URL that is not postgres://…';
    }
    return `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}${parsed.pathname || '/'}`;
  } catch {
    return 'a value that is not a URL';
  }
}

/** The sentence for what PostgreSQL wrote before it exited (the embedded server's log). */
export function embeddedStartFailure(log: string, dataDir: string, port: number): string {
  if (/address already in use|could not bind|could not create any TCP\/IP sockets/i.test(log)) {
    return `Port ${port} of the embedded PostgreSQL is already in use by another program: stop that program or set EMBEDDED_DB_PORT to a free port.`;
  }
  if (/lock file .* already exists|is another postmaster/i.test(log)) {
    return `The data directory ${dataDir} is locked by another PostgreSQL server: stop it, or start with another DATA_DIR.`;
  }
  if (/no space left on device|disk full/i.test(log)) {
    return `The disk holding ${dataDir} is full: free some space and start again.`;
  }
  if (/permission denied/i.test(log)) {
    return `PostgreSQL may not use ${dataDir} (permission denied): give the directory back to the user running the app.`;
  }
  const fatal = log
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /FATAL|PANIC|ERROR/.test(line))
    .pop();
  return `The embedded PostgreSQL under ${dataDir} did not start${fatal ? `: ${fatal}` : ''}.`;
}

/** The one sentence for any error that ended the start-up. */
export function startupFailureMessage(error: unknown, context: StartupContext): string {
  if (error instanceof StartupError) {
    return error.message;
  }
  const { code, message, syscall, port } = fieldsOf(error);
  const text =
    typeof message === 'string'
      ? message
      : typeof error === 'string' || typeof error === 'number'
        ? String(error)
        : '';
  if (code === 'EADDRINUSE' || /EADDRINUSE/.test(text)) {
    const taken = typeof port === 'number' ? port : context.port;
    return `Port ${taken} is already in use by another program: stop that program or set PORT to a free port.`;
  }
  if (code === 'EACCES' && syscall === 'listen') {
    return `Port ${context.port} may not be opened by this user: set PORT to a number above 1023.`;
  }
  if (code === 'ENOSPC' || /no space left on device/i.test(text)) {
    return `The disk is full (${context.dataDir} or the database): free some space and start again.`;
  }
  if (context.databaseUrl) {
    const where = describeDatabaseUrl(context.databaseUrl);
    const reasons: Record<string, string> = {
      ECONNREFUSED: 'nothing listens there',
      ENOTFOUND: 'the host name is unknown',
      EAI_AGAIN: 'the host name could not be resolved',
      ETIMEDOUT: 'it did not answer in time',
      ENOENT: 'no such socket',
      '28P01': 'the password is wrong',
      '28000': 'the server refuses this user',
      '3D000': 'the database does not exist',
    };
    const reason =
      typeof code === 'string' && reasons[code]
        ? reasons[code]
        : /timeout/i.test(text)
          ? 'it did not answer in time'
          : text.split('\n')[0];
    return `Cannot connect to the database DATABASE_URL names (${where}): ${reason}.`;
  }
  const first = text.split('\n')[0];
  return `The app did not start${first ? `: ${first}` : ' (no reason given)'}.`;
}

/** Whether a TCP port can be opened on the host (checked before start-up, to fail with a sentence). */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise<boolean>((done) => {
    const probe = createServer();
    probe.once('error', () => done(false));
    probe.listen(port, host, () => probe.close(() => done(true)));
  });
}
