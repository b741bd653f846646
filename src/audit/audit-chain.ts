import { createHash } from 'node:crypto';

/** A pg Client or Pool: the verifier runs outside Nest (CLI, restore) and in the tests. */
export interface ChainQueryable {
  query<R extends object>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

export const GENESIS_HASH = '0'.repeat(64);

const CANONICAL_V1 = `jsonb_build_array(
  a.chain_seq, a.id, to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
  a.actor_id, a.actor_name, a.actor_mobile, a.actor_unit_id, a.actor_unit_name, a.actor_roles,
  a.action, a.result, a.target_type, a.target_id, a.target_label, a.detail, a.ip,
  a.prev_hash)`;

/**
 * The canonical text of a row, computed here rather than by the database's own
 * audit_log_canonical() so that a replaced function cannot vouch for rewritten rows. It must stay
 * equal to the function in migrations/1764200000000-audit-integrity.ts (the tests check that):
 * the columns of 1763871600000-audit-chain, then request_id when the row has one.
 */
const CANONICAL_SQL = `(CASE WHEN a.request_id IS NULL THEN ${CANONICAL_V1}
  ELSE ${CANONICAL_V1} || jsonb_build_array(a.request_id) END)::text`;

/** The row's time as the canonical text writes it (UTC, microseconds): compares as text. */
function canonicalTime(canonical: string): string {
  return (JSON.parse(canonical) as unknown[])[2] as string;
}

export interface BrokenLink {
  id: string;
  chainSeq: string | null;
  at: Date;
  reason: string;
}

export interface ChainVerification {
  ok: boolean;
  rows: number;
  firstSeq: string | null;
  lastSeq: string | null;
  /** The hash the next row will chain to: worth writing down outside the database. */
  headHash: string;
  broken?: BrokenLink;
}

interface ChainRow {
  id: string;
  at: Date;
  chain_seq: string | null;
  prev_hash: string | null;
  row_hash: string | null;
  canonical: string;
}

const BATCH = 2000;

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function short(hash: string | null): string {
  return hash === null ? 'NULL' : `${hash.slice(0, 12)}…`;
}

/**
 * Walks the whole chain in chain_seq order and returns the first row that does not hold: content
 * that no longer matches its row_hash, a prev_hash that is not the row_hash of the row before, a
 * gap in chain_seq (deleted rows), a time earlier than the row before it (the database stamps each
 * row's time under the chain lock, so time only moves forward along the chain: a row whose time
 * runs backwards was written around the trigger) or a chain head that is ahead of the last row
 * (deleted tail).
 * Rows before the first one present may have been purged after the retention period: the first
 * row's prev_hash is then taken as the anchor (reported as firstSeq > 1).
 */
export async function verifyAuditChain(db: ChainQueryable): Promise<ChainVerification> {
  const migrated = await db.query<{ table: string | null }>(
    `SELECT to_regclass('audit_chain_head')::text AS table`,
  );
  if (!migrated.rows[0]?.table) {
    throw new Error(
      'no audit_chain_head table: the audit-chain migration has not run on this database (start the app once)',
    );
  }
  const heads = await db.query<{
    last_seq: string;
    last_hash: string;
    clock_from_seq: string | null;
  }>(
    `SELECT last_seq::text, last_hash, to_jsonb(h) ->> 'clock_from_seq' AS clock_from_seq
       FROM audit_chain_head h WHERE singleton`,
  );
  const head = heads.rows[0];
  if (!head) {
    throw new Error('audit_chain_head has no row');
  }
  // From this row on the database stamps the time (migration 1764200000000-audit-integrity).
  const clockFrom = head.clock_from_seq === null ? undefined : BigInt(head.clock_from_seq);
  const unchained = await db.query<{ id: string; at: Date }>(
    `SELECT id::text, at FROM audit_log WHERE chain_seq IS NULL ORDER BY id LIMIT 1`,
  );
  const result: ChainVerification = {
    ok: true,
    rows: 0,
    firstSeq: null,
    lastSeq: null,
    headHash: head.last_hash,
  };
  const fail = (row: { id: string; at: Date; chain_seq?: string | null }, reason: string) => ({
    ...result,
    ok: false,
    broken: { id: row.id, at: row.at, chainSeq: row.chain_seq ?? null, reason },
  });
  if (unchained.rows[0]) {
    return fail(unchained.rows[0], 'row has no chain_seq (written with the chain trigger off)');
  }

  let previous: ChainRow | undefined;
  for (;;) {
    const batch = await db.query<ChainRow>(
      `SELECT a.id::text, a.at, a.chain_seq::text, a.prev_hash, a.row_hash, ${CANONICAL_SQL} AS canonical
         FROM audit_log a
        WHERE $1::bigint IS NULL OR a.chain_seq > $1::bigint
        ORDER BY a.chain_seq
        LIMIT ${BATCH}`,
      [previous?.chain_seq ?? null],
    );
    for (const row of batch.rows) {
      const seq = BigInt(row.chain_seq!);
      if (previous === undefined) {
        result.firstSeq = row.chain_seq;
        if (seq === 1n && row.prev_hash !== GENESIS_HASH) {
          return fail(
            row,
            `first row's prev_hash is ${short(row.prev_hash)}, not the genesis hash`,
          );
        }
      } else {
        const expected = BigInt(previous.chain_seq!) + 1n;
        if (seq !== expected) {
          return fail(
            row,
            `chain_seq ${seq} follows ${previous.chain_seq} (id ${previous.id}): ` +
              `row(s) ${expected}–${seq - 1n} are missing`,
          );
        }
        if (row.prev_hash !== previous.row_hash) {
          return fail(
            row,
            `prev_hash ${short(row.prev_hash)} is not the row_hash ${short(previous.row_hash)} ` +
              `of the row before it (id ${previous.id}): that row or this link was rewritten`,
          );
        }
      }
      const recomputed = sha256(row.canonical);
      if (recomputed !== row.row_hash) {
        return fail(
          row,
          `content changed: stored row_hash ${short(row.row_hash)}, recomputed ${short(recomputed)}`,
        );
      }
      if (previous !== undefined && clockFrom !== undefined && seq >= clockFrom) {
        const before = canonicalTime(previous.canonical);
        const at = canonicalTime(row.canonical);
        if (at < before) {
          return fail(
            row,
            `time runs backwards: ${at} is earlier than ${before} of the row before it ` +
              `(id ${previous.id}): written around the database's clock`,
          );
        }
      }
      result.rows += 1;
      result.lastSeq = row.chain_seq;
      previous = row;
    }
    if (batch.rows.length < BATCH) {
      break;
    }
  }

  const headSeq = BigInt(head.last_seq);
  if (previous === undefined) {
    return headSeq === 0n
      ? result
      : {
          ...result,
          ok: false,
          broken: {
            id: '-',
            at: new Date(Number.NaN),
            chainSeq: null,
            reason: `no rows, but the chain head records ${headSeq} of them`,
          },
        };
  }
  if (BigInt(previous.chain_seq!) !== headSeq || previous.row_hash !== head.last_hash) {
    return fail(
      previous,
      `last row (chain_seq ${previous.chain_seq}) is not the chain head (chain_seq ${headSeq}, ` +
        `hash ${short(head.last_hash)}): later rows were deleted or the head was rewritten`,
    );
  }
  return result;
}

/** One line for people and scripts: `OK n rows` or `BROKEN at id …`. */
export function describeVerification(verification: ChainVerification): string {
  if (verification.ok) {
    const purged =
      verification.firstSeq !== null && verification.firstSeq !== '1'
        ? `; rows before chain_seq ${verification.firstSeq} purged`
        : '';
    return `OK ${verification.rows} rows\nchain head: chain_seq ${verification.lastSeq ?? 0}, row_hash ${verification.headHash}${purged}`;
  }
  const broken = verification.broken!;
  const at = Number.isNaN(broken.at.getTime()) ? '-' : broken.at.toISOString();
  return `BROKEN at audit_log id ${broken.id} (chain_seq ${broken.chainSeq ?? '-'}, at ${at}): ${broken.reason}\n${verification.rows} rows verified before it`;
}
