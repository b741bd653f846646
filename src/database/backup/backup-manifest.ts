import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import type { TableChecksums } from './table-checksums.js';

/** reform-YYYYMMDD-HHMMSS.dump: the names `npm run backup` gives; they sort by time. */
export const BACKUP_NAME = /^reform-\d{8}-\d{6}\.dump$/;

/** What a backup holds, written beside it as `<dump>.json` from the same snapshot as the dump. */
export interface BackupManifest {
  format: 1;
  file: string;
  createdAt: string;
  /** The database it came from, without password. */
  source: string;
  serverVersion: string;
  bytes: number;
  sha256: string;
  tables: TableChecksums;
  auditChain: { ok: boolean; rows: number; headHash: string; problem?: string };
}

export function manifestPath(dumpFile: string): string {
  return `${dumpFile}.json`;
}

export function readManifest(dumpFile: string): BackupManifest | undefined {
  const path = manifestPath(dumpFile);
  if (!existsSync(path)) {
    return undefined;
  }
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as BackupManifest;
  if (manifest.format !== 1 || typeof manifest.tables !== 'object') {
    throw new Error(`${path} is not a backup manifest this version understands`);
  }
  return manifest;
}

/** SHA-256 of a file, streamed (dumps can be large). */
export function sha256File(path: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolvePromise(hash.digest('hex')));
  });
}
