import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth-context.js';
import { WORKFLOW_STATE_LABELS, type WorkflowState } from '../workflow/workflow-chain.js';
import { WorkflowRegistry } from '../workflow/workflow-registry.js';

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

/**
 * The shared visibility rule (canViewRecord in src/workflow/workflow-visibility.ts) as SQL over
 * `wi`: $1 the user's unit, $2 their roles, $3 office, $4 leader or admin. Units a record type adds
 * (a pilot's involved districts) are not in it, so the search never lists more than the record
 * pages open; such readers find those records through their ledgers.
 */
const VISIBLE_SQL = `(wi.owner_unit_id = $1 OR (wi.state <> 'draft' AND (
     (wi.pending_unit_id = $1 AND wi.pending_role = ANY($2::text[]))
     OR wi.competent_unit_id = $1
     OR $3::boolean
     OR (wi.state = 'approved' AND $4::boolean))))`;

/** One row per record: the newest revision, plus the current approved one while a newer is open. */
const CURRENT_SQL = `(wi.is_current_approved OR NOT EXISTS (
     SELECT 1 FROM workflow_items n WHERE n.lineage_id = wi.lineage_id AND n.revision > wi.revision))`;

/**
 * Records whose title or main text contains the query: the GIN index on the bigram array narrows
 * (every two-character sequence of the query present), strpos confirms the substring; no LIKE
 * pattern, so % and _ are plain characters.
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
    const roles = user.roles as readonly string[];
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
      `SELECT wi.id, wi.title, wi.record_type, u.name AS unit_name, wi.state, wi.step, wi.revision, wi.updated_at
         FROM workflow_items wi JOIN units u ON u.id = wi.owner_unit_id
        WHERE wi.search_grams @> search_bigrams($5)
          AND strpos(lower(wi.title || ' ' || wi.search_body), lower($5)) > 0
          AND ${VISIBLE_SQL} AND ${CURRENT_SQL}
        ORDER BY wi.updated_at DESC, wi.id
        LIMIT $6 OFFSET $7`,
      [
        user.unitId,
        roles,
        roles.includes('office'),
        roles.includes('leader') || roles.includes('admin'),
        text,
        SEARCH_PAGE_SIZE + 1,
        (page - 1) * SEARCH_PAGE_SIZE,
      ],
    );
    const known = new Map(this.registry.all().map((definition) => [definition.type, definition]));
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
