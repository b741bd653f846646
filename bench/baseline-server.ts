import Fastify, { type FastifyInstance } from 'fastify';
import Handlebars from 'handlebars';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { buildPagination } from '../src/common/http/pagination.js';
import { VIEWS_ROOT } from '../src/common/paths.js';
import { createHandlebarsEngine } from '../src/common/views/handlebars-engine.js';
import { WORKFLOW_STATE_LABELS, type WorkflowState } from '../src/workflow/workflow-chain.js';
import type { InboxSqlRow } from '../src/workflow/workflow-item.js';
import type { CapturedPage, CapturedQuery, RecordTypeLabels } from './app-probe.js';

/**
 * The two baselines every figure is measured against, in a process of their own:
 * (a) /bare/:name — bare Fastify sending the bytes the app sent for that page, from memory;
 * (b) /raw/… — plain Fastify + pg + Handlebars running the page's query (the app's own SQL and
 *     parameters) and rendering the same template, with no framework, session or ORM.
 */
export interface BaselineConfig {
  databaseUrl: string;
  bare: Record<string, { body: string; contentType: string }>;
  inbox?: {
    page: CapturedPage;
    query: CapturedQuery;
    recordTypes: RecordTypeLabels;
    pageSize: number;
  };
  ledger?: { page: CapturedPage; query: CapturedQuery; pageSize: number };
  /** Pages made of several queries (the cockpit): all of them run, the data is rendered as captured. */
  composite?: Record<string, CapturedPage>;
}

interface LedgerSqlRow {
  id: string;
  title: string;
  description: string;
  unit_name: string;
  channel: string;
  domain: string;
  track: string | null;
  state: WorkflowState;
  revision: number;
  updated_at: Date;
  approved_at: Date | null;
  total?: number;
}

function compile(engine: typeof Handlebars, template: string): Handlebars.TemplateDelegate {
  return engine.compile(readFileSync(join(VIEWS_ROOT, template), 'utf8'));
}

export async function startBaselineServer(
  config: BaselineConfig,
  port = 0,
): Promise<{ url: string; close(): Promise<void> }> {
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 20 });
  const engine = createHandlebarsEngine(VIEWS_ROOT);
  const app: FastifyInstance = Fastify({ logger: false });

  app.get<{ Params: { name: string } }>('/bare/:name', (request, reply) => {
    const page = config.bare[request.params.name];
    if (!page) {
      return reply.code(404).send();
    }
    return reply.header('Content-Type', page.contentType).send(page.body);
  });

  const inbox = config.inbox;
  if (inbox) {
    const template = compile(engine, inbox.page.template);
    app.get('/raw/inbox', async (_request, reply) => {
      const { rows } = await pool.query<InboxSqlRow>(inbox.query.sql, inbox.query.params);
      const groups: { moduleLabel: string; rows: unknown[] }[] = [];
      for (const row of rows) {
        const type = inbox.recordTypes[row.record_type];
        const view = {
          id: row.id,
          title: row.title,
          recordType: row.record_type,
          recordLabel: type.label,
          moduleLabel: type.moduleLabel,
          unitName: row.unit_name,
          stepLabel: type.steps[row.step] ?? '',
          submittedAt: row.updated_at,
          revision: row.revision,
          version: row.version,
          waitingForOther: row.waiting,
          // 等待天数, as the inbox controller computes it.
          waitingDays: Math.max(
            0,
            Math.floor((Date.now() - row.updated_at.getTime()) / 86_400_000),
          ),
          link: `${type.linkPrefix}${row.id}`,
        };
        const group = groups.find((candidate) => candidate.moduleLabel === type.moduleLabel);
        if (group) {
          group.rows.push(view);
        } else {
          groups.push({ moduleLabel: type.moduleLabel, rows: [view] });
        }
      }
      const total = rows[0]?.total ?? (inbox.page.context.total as number);
      return reply.header('Content-Type', 'text/html; charset=utf-8').send(
        template({
          ...inbox.page.context,
          groups,
          total,
          pagination: buildPagination('/inbox', {}, 1, total, inbox.pageSize),
        }),
      );
    });
  }

  const ledger = config.ledger;
  if (ledger) {
    const template = compile(engine, ledger.page.template);
    const query = Object.fromEntries(new URL(ledger.page.path, 'http://x').searchParams);
    const page = Number(query.page ?? 1);
    app.get('/raw/ledger', async (_request, reply) => {
      const { rows } = await pool.query<LedgerSqlRow>(ledger.query.sql, ledger.query.params);
      const total = rows[0]?.total ?? (ledger.page.context.total as number);
      return reply.header('Content-Type', 'text/html; charset=utf-8').send(
        template({
          ...ledger.page.context,
          rows: rows.map((row) => ({
            id: row.id,
            title: row.title,
            description: row.description,
            unitName: row.unit_name,
            channel: row.channel,
            domain: row.domain,
            track: row.track,
            state: row.state,
            stateLabel: WORKFLOW_STATE_LABELS[row.state],
            revision: row.revision,
            updatedAt: row.updated_at,
            approvedAt: row.approved_at,
          })),
          total,
          pagination: buildPagination('/demands', query, page, total, ledger.pageSize),
        }),
      );
    });
  }

  for (const [name, composite] of Object.entries(config.composite ?? {})) {
    const template = compile(engine, composite.template);
    app.get(`/raw/${name}`, async (_request, reply) => {
      await Promise.all(composite.queries.map((query) => pool.query(query.sql, query.params)));
      return reply
        .header('Content-Type', 'text/html; charset=utf-8')
        .send(template(composite.context));
    });
  }

  const address = await app.listen({ port, host: '127.0.0.1' });
  return {
    url: address,
    async close() {
      await app.close();
      await pool.end();
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const config = JSON.parse(readFileSync(process.argv[2], 'utf8')) as BaselineConfig;
  startBaselineServer(config, Number(process.argv[3] ?? 0)).then(
    (server) => {
      console.log(`baseline listening at ${server.url}`);
      // A clean exit on the bench's SIGTERM (a --cpu-prof profile is written at exit).
      process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
