import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth-context.js';
import { WORKFLOW_STATE_LABELS, type WorkflowState } from '../workflow/workflow-chain.js';
import { WorkflowRegistry, type RecordTypeDefinition } from '../workflow/workflow-registry.js';
import { listingBranches, OWN_UNIT_NEWEST } from '../workflow/workflow-visibility.js';

/** Hits a search page lists. */
export const SEARCH_PAGE_SIZE = 20;

export interface SearchHit {
  id: string;
  title: string;
  moduleLabel: string;
  recordLabel: string;
  unitName: string;
  state: WorkflowState;
  stateLabel: string;
  revision: number;
  updatedAt: Date;
  link: string;
}

/** One branch of the search's UNION ALL: a condition of the listing rule and the types it covers. */
interface SearchBranch {
  visibility: string;
  types: string[];
  joins: string;
}

/**
 * The listing rule of every record type (`listingBranches` with the scope its ledgers use, see
 * RecordTypeDefinition.listing), merged: a branch common to several types (the own unit's
 * records, others' approved ones) is written once for all of them; a branch naming involved
 * units keeps its type and the joins its condition reads. Disjoint, as the rule's branches are.
 */
function searchBranches(user: AuthUser, definitions: RecordTypeDefinition[]): SearchBranch[] {
  const branches = new Map<string, SearchBranch>();
  for (const definition of definitions) {
    const { scope = {}, joins = '' } = definition.listing ?? {};
    for (const visibility of listingBranches(user, scope)) {
      const involved = scope.involved !== undefined && visibility.includes(scope.involved);
      const key = involved ? `${visibility}\n${joins}` : visibility;
      const branch = branches.get(key) ?? { visibility, types: [], joins: involved ? joins : '' };
      branch.types.push(definition.type);
      branches.set(key, branch);
    }
  }
  return [...branches.values()];
}

/** How many of the newest records (overall, and of the own unit) the first probe reads. */
export const RECENT_WINDOW = 2000;

/** The updated_at bounds of the first probe, as PostgreSQL text (exact to the microsecond). */
interface RecentBounds {
  /** The RECENT_WINDOW-th newest record's; null when there are fewer. */
  recent: string | null;
  /** The same among the own unit's records. */
  own: string | null;
}

interface MatchRow {
  id: string;
  title: string;
  record_type: string;
  unit_name: string;
  state: WorkflowState;
  step: number | null;
  revision: number;
  updated_at: Date;
  /** Newer than every bound the probe applied: no record left out can come before it. */
  settled: boolean;
}

/**
 * Records whose title or main text contains the query, among those the user's ledgers list. Each
 * branch of the listing rule finds its candidates on the narrow table record_search (alias wi,
 * the columns the rule reads): the GIN index on the bigram array narrows to records holding every
 * two-character sequence of the query. The candidates are sorted newest first, and strpos on the
 * workflow item confirms the substring one candidate at a time until the page is full. No LIKE
 * pattern: % and _ are plain characters.
 *
 * A common word matches thousands of records, and reading each to sort them is what costs. So a
 * first probe reads only the newest RECENT_WINDOW records (of the own unit for its branch, overall
 * for the others; a branch of involved units is small and read whole): when it fills the page with
 * hits newer than its bounds, nothing older can come before them and the page is exact; otherwise
 * (a rare word, a deep page) the search runs again without bounds.
 */
@Injectable()
export class SearchQueries {
  /** RECENT_WINDOW; a test lowers it to run the probe on a small database. */
  recentWindow = RECENT_WINDOW;

  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: WorkflowRegistry,
  ) {}

  async search(
    user: AuthUser,
    text: string,
    page: number,
  ): Promise<{ hits: SearchHit[]; hasNext: boolean }> {
    const definitions = this.registry.all();
    const wanted = page * SEARCH_PAGE_SIZE + 1;
    const [bounds] = await this.dataSource.query<RecentBounds[]>(
      `SELECT (SELECT updated_at::text FROM record_search
                ORDER BY updated_at DESC OFFSET $2 LIMIT 1) AS recent,
              (SELECT updated_at::text FROM record_search WHERE owner_unit_id = $1
                ORDER BY updated_at DESC OFFSET $2 LIMIT 1) AS own`,
      [user.unitId, this.recentWindow - 1],
    );
    let rows: MatchRow[] | undefined;
    if (bounds.recent !== null || bounds.own !== null) {
      rows = await this.matches(user, definitions, text, wanted, bounds);
    }
    if (!rows || rows.length < wanted || !rows[wanted - 1].settled) {
      rows = await this.matches(user, definitions, text, wanted, { recent: null, own: null });
    }
    const known = new Map(definitions.map((definition) => [definition.type, definition]));
    const hits: SearchHit[] = [];
    const pageRows = rows.slice((page - 1) * SEARCH_PAGE_SIZE);
    for (const row of pageRows.slice(0, SEARCH_PAGE_SIZE)) {
      const definition = known.get(row.record_type);
      if (!definition) {
        continue;
      }
      const stepLabel = row.step === null ? '' : (definition.chain.steps[row.step]?.label ?? '');
      hits.push({
        id: row.id,
        title: row.title,
        moduleLabel: definition.moduleLabel,
        recordLabel: definition.label,
        unitName: row.unit_name,
        state: row.state,
        stateLabel:
          row.state === 'pending' && stepLabel
            ? `${WORKFLOW_STATE_LABELS.pending}（${stepLabel}）`
            : WORKFLOW_STATE_LABELS[row.state],
        revision: row.revision,
        updatedAt: row.updated_at,
        link: definition.link(row.id),
      });
    }
    return { hits, hasNext: pageRows.length > SEARCH_PAGE_SIZE };
  }

  /** The first `wanted` hits, newest first; each branch without joins bounded as `bounds` says. */
  private matches(
    user: AuthUser,
    definitions: RecordTypeDefinition[],
    text: string,
    wanted: number,
    bounds: RecentBounds,
  ): Promise<MatchRow[]> {
    const params: unknown[] = [user.unitId, text, wanted];
    const applied: string[] = [];
    const union = searchBranches(user, definitions)
      .map(({ visibility, types, joins }) => {
        const conditions = ['wi.search_grams @> search_bigrams($2)', visibility];
        if (types.length < definitions.length) {
          params.push(types);
          conditions.push(`wi.record_type = ANY($${params.length})`);
        }
        const bound = joins ? null : visibility === OWN_UNIT_NEWEST ? bounds.own : bounds.recent;
        if (bound !== null) {
          params.push(bound);
          applied.push(`$${params.length}::timestamptz`);
          conditions.push(`wi.updated_at >= $${params.length}::timestamptz`);
        }
        return `SELECT wi.id, wi.updated_at FROM record_search wi ${joins} WHERE ${conditions.join(' AND ')}`;
      })
      .join('\n UNION ALL ');
    const settled =
      applied.length > 0 ? `hit.updated_at >= greatest(${applied.join(', ')})` : 'true';
    return this.dataSource.query<MatchRow[]>(
      `SELECT w.id, w.title, w.record_type, u.name AS unit_name, w.state, w.step, w.revision, w.updated_at,
              ${settled} AS settled
         FROM (SELECT c.id, c.updated_at FROM (${union}) c ORDER BY c.updated_at DESC, c.id OFFSET 0) hit
         JOIN workflow_items w ON w.id = hit.id
         JOIN units u ON u.id = w.owner_unit_id
        WHERE strpos(lower(w.title || ' ' || w.search_body), lower($2)) > 0
        ORDER BY hit.updated_at DESC, hit.id
        LIMIT $3`,
      params,
    );
  }
}
