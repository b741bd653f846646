import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth-context.js';
import { WORKFLOW_STATE_LABELS, type WorkflowState } from '../workflow/workflow-chain.js';
import { WorkflowRegistry, type RecordTypeDefinition } from '../workflow/workflow-registry.js';
import { listingBranches } from '../workflow/workflow-visibility.js';

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

/**
 * Records whose title or main text contains the query, among those the user's ledgers list. Each
 * branch of the listing rule finds its candidates on the narrow table record_search (alias wi,
 * the columns the rule reads): the GIN index on the bigram array narrows to records holding every
 * two-character sequence of the query. The candidates are sorted newest first, and strpos on the
 * workflow item confirms the substring one candidate at a time until the page is full, so a
 * common word costs a sort of narrow rows, not a read of every wide one. No LIKE pattern: % and _
 * are plain characters.
 */
@Injectable()
export class SearchQueries {
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
    const params: unknown[] = [user.unitId, text];
    const union = searchBranches(user, definitions)
      .map(({ visibility, types, joins }) => {
        let ofTypes = '';
        if (types.length < definitions.length) {
          params.push(types);
          ofTypes = `AND wi.record_type = ANY($${params.length})`;
        }
        return `SELECT wi.id, wi.updated_at FROM record_search wi ${joins}
                 WHERE wi.search_grams @> search_bigrams($2) AND ${visibility} ${ofTypes}`;
      })
      .join('\n UNION ALL ');
    params.push(SEARCH_PAGE_SIZE + 1, (page - 1) * SEARCH_PAGE_SIZE);
    const rows: {
      id: string;
      title: string;
      record_type: string;
      unit_name: string;
      state: WorkflowState;
      step: number | null;
      revision: number;
      updated_at: Date;
    }[] = await this.dataSource.query(
      `SELECT w.id, w.title, w.record_type, u.name AS unit_name, w.state, w.step, w.revision, w.updated_at
         FROM (SELECT c.id, c.updated_at FROM (${union}) c ORDER BY c.updated_at DESC, c.id OFFSET 0) hit
         JOIN workflow_items w ON w.id = hit.id
         JOIN units u ON u.id = w.owner_unit_id
        WHERE strpos(lower(w.title || ' ' || w.search_body), lower($2)) > 0
        ORDER BY hit.updated_at DESC, hit.id
        LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    const known = new Map(definitions.map((definition) => [definition.type, definition]));
    const hits: SearchHit[] = [];
    for (const row of rows.slice(0, SEARCH_PAGE_SIZE)) {
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
    return { hits, hasNext: rows.length > SEARCH_PAGE_SIZE };
  }
}
