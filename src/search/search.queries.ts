import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth-context.js';
import { WORKFLOW_STATE_LABELS, type WorkflowState } from '../workflow/workflow-chain.js';
import type { RecordSummaryRow } from '../workflow/workflow-queries.js';
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

/** How many of the newest records the first probe reads. */
export const RECENT_WINDOW = 1000;

/**
 * The branches the first probe bounds: other units' records read straight from record_search
 * (the approved ones in force, the office's queue), which match by the thousand. The own unit's
 * branch is narrowed by its owner index, a branch of involved units by its joins.
 */
function probed(branch: SearchBranch): boolean {
  return !branch.joins && branch.visibility !== OWN_UNIT_NEWEST;
}

interface MatchRow extends RecordSummaryRow {
  /** Not older than the probe's bound: no record the probe left out can come before it. */
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
 * A common word matches thousands of other units' approved records, and reading each to sort them
 * is what costs. So a first probe bounds those branches (`probed`) to the newest RECENT_WINDOW
 * records (updated_at at or after the bound, beside the bigrams in one GIN index): when it fills
 * the page with hits not older than the bound, no record left out can come before them and the
 * page is exact; otherwise (a rare word, a deep page) the search runs again without the bound.
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
    const branches = searchBranches(user, definitions);
    const wanted = page * SEARCH_PAGE_SIZE + 1;
    const match = (bound: string | null) =>
      this.matches(branches, definitions.length, user, text, wanted, bound);
    let rows: MatchRow[] | undefined;
    if (branches.some(probed)) {
      const [{ recent }] = await this.dataSource.query<{ recent: string | null }[]>(
        // As text: exact to the microsecond.
        `SELECT (SELECT updated_at FROM record_search
                  ORDER BY updated_at DESC OFFSET $1 LIMIT 1)::text AS recent`,
        [this.recentWindow - 1],
      );
      rows = recent === null ? undefined : await match(recent);
      if (rows && (rows.length < wanted || !rows[wanted - 1].settled)) {
        rows = undefined;
      }
    }
    rows ??= await match(null);
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

  /** The first `wanted` hits, newest first; the probed branches from `bound` on, if given. */
  private matches(
    branches: SearchBranch[],
    typeCount: number,
    user: AuthUser,
    text: string,
    wanted: number,
    bound: string | null,
  ): Promise<MatchRow[]> {
    const params: unknown[] = [user.unitId, text, wanted, bound];
    const union = branches
      .map((branch) => {
        const conditions = ['wi.search_grams @> search_bigrams($2)', branch.visibility];
        if (branch.types.length < typeCount) {
          params.push(branch.types);
          conditions.push(`wi.record_type = ANY($${params.length})`);
        }
        if (bound !== null && probed(branch)) {
          conditions.push('wi.updated_at >= $4::timestamptz');
        }
        return `SELECT wi.id, wi.updated_at FROM record_search wi ${branch.joins} WHERE ${conditions.join(' AND ')}`;
      })
      .join('\n UNION ALL ');
    return this.dataSource.query<MatchRow[]>(
      `SELECT w.id, w.title, w.record_type, u.name AS unit_name, w.state, w.step, w.revision, w.updated_at,
              hit.updated_at >= coalesce($4::timestamptz, '-infinity') AS settled
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
