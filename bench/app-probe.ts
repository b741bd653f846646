import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import pg from 'pg';
import { DataSource, type QueryRunner } from 'typeorm';
import type { AuthUser } from '../src/auth/auth-context.js';
import { ROLE_LABELS, type RoleCode } from '../src/auth/roles.js';
import { createApp } from '../src/bootstrap.js';
import { loadConfig } from '../src/config/app-config.js';
import { PreparedStatements } from '../src/database/prepared-statements.js';
import { CockpitController } from '../src/cockpit/cockpit.controller.js';
import { DemandsController } from '../src/demands/demands.controller.js';
import { buildNavigation } from '../src/home/navigation.js';
import type { UnitCapability, UnitKind } from '../src/units/unit-kinds.js';
import { InboxController } from '../src/workflow/inbox.controller.js';
import { NavigationBadges } from '../src/workflow/navigation-badges.js';
import { WorkflowRegistry } from '../src/workflow/workflow-registry.js';

export interface CapturedQuery {
  sql: string;
  params: unknown[];
}

/** What a page renders: its template, the data the app handed to it and the SQL it ran for it. */
export interface CapturedPage {
  path: string;
  template: string;
  context: Record<string, unknown>;
  queries: CapturedQuery[];
}

/** The record types' words and links, for the raw baseline's inbox mapping. */
export type RecordTypeLabels = Record<
  string,
  { label: string; moduleLabel: string; steps: string[]; linkPrefix: string }
>;

export async function loadAuthUser(db: pg.Pool | pg.Client, mobile: string): Promise<AuthUser> {
  const result = await db.query<{
    id: string;
    name: string;
    mobile: string;
    roles: RoleCode[];
    unit_id: number;
    unit_name: string;
    unit_kind: UnitKind;
    capabilities: UnitCapability[];
  }>(
    `SELECT u.id, u.name, u.mobile, u.roles, un.id AS unit_id, un.name AS unit_name, un.kind AS unit_kind, un.capabilities
       FROM users u JOIN units un ON un.id = u.unit_id WHERE u.mobile = $1`,
    [mobile],
  );
  const row = result.rows[0];
  if (!row) {
    throw new Error(`No user ${mobile}`);
  }
  return {
    id: row.id,
    name: row.name,
    mobile: row.mobile,
    roles: row.roles,
    unitId: row.unit_id,
    unitName: row.unit_name,
    unitKind: row.unit_kind,
    unitCapabilities: row.capabilities,
    mustChangePassword: false,
  };
}

/** The people the bench logs in as: the district reviewer with the fullest inbox, and a city leader. */
export async function benchUsers(
  db: pg.Pool | pg.Client,
): Promise<{ reviewer: string; leader: string; office: string }> {
  const reviewer = await db.query<{ mobile: string }>(
    `SELECT u.mobile FROM users u JOIN units un ON un.id = u.unit_id AND un.kind = 'district'
      WHERE u.roles = ARRAY['reviewer']
      ORDER BY (SELECT count(*) FROM workflow_items wi
                 WHERE wi.state = 'pending' AND wi.pending_unit_id = u.unit_id AND wi.pending_role = 'reviewer') DESC, u.mobile
      LIMIT 1`,
  );
  const leader = await db.query<{ mobile: string }>(
    `SELECT u.mobile FROM users u JOIN units un ON un.id = u.unit_id AND un.kind = 'office'
      WHERE 'leader' = ANY(u.roles) ORDER BY u.mobile LIMIT 1`,
  );
  const office = await db.query<{ mobile: string }>(
    `SELECT u.mobile FROM users u JOIN units un ON un.id = u.unit_id AND un.kind = 'office'
      WHERE 'office' = ANY(u.roles) ORDER BY u.mobile LIMIT 1`,
  );
  return {
    reviewer: reviewer.rows[0].mobile,
    leader: leader.rows[0].mobile,
    office: office.rows[0].mobile,
  };
}

/**
 * The app in this process (not listening): to read the SQL a page runs and the data it renders,
 * for the raw baseline and for EXPLAIN, and to time report generation through the real service.
 */
export class AppProbe {
  private capturing: CapturedQuery[] | undefined;

  private constructor(readonly app: NestFastifyApplication) {
    const dataSource = app.get(DataSource);
    const query = dataSource.query.bind(dataSource);
    // The query runner passes through: a transaction's statements stay on its connection.
    dataSource.query = ((sql: string, params?: unknown[], runner?: QueryRunner) => {
      this.capturing?.push({ sql, params: params ?? [] });
      return query(sql, params, runner);
    }) as DataSource['query'];
    const statements = app.get(PreparedStatements);
    const prepared = statements.query.bind(statements);
    statements.query = <T>(sql: string, params: unknown[]): Promise<T[]> => {
      this.capturing?.push({ sql, params });
      return prepared<T>(sql, params);
    };
  }

  /** A probe on an app someone else started (the smoke test's); closing it is theirs. */
  static attach(app: NestFastifyApplication): AppProbe {
    return new AppProbe(app);
  }

  static async start(databaseUrl: string): Promise<AppProbe> {
    const app = await createApp(
      { ...loadConfig({ NODE_ENV: 'production' }), seedDemo: false },
      databaseUrl,
      { logLevels: ['error'] },
    );
    return new AppProbe(app);
  }

  async close(): Promise<void> {
    await this.app.close();
  }

  async capture<T>(fn: () => Promise<T>): Promise<{ result: T; queries: CapturedQuery[] }> {
    this.capturing = [];
    try {
      const result = await fn();
      return { result, queries: this.capturing };
    } finally {
      this.capturing = undefined;
    }
  }

  /** What the layout gets from the request hooks (reply.locals) for this user on this page. */
  async locals(user: AuthUser, path: string): Promise<Record<string, unknown>> {
    const counts = await this.app.get(NavigationBadges).count(user);
    return {
      appName: '改革报表填报系统',
      htmxScript: '/static/vendor/htmx/htmx.min.js',
      csrfToken: 'bench-csrf-token-0000000000000000',
      currentUser: {
        id: user.id,
        name: user.name,
        unitName: user.unitName,
        roleLabels: user.roles.map((role) => ROLE_LABELS[role]).join('、'),
        pending: false,
      },
      idleMinutes: 30,
      nav: buildNavigation(user, path, counts),
    };
  }

  async inboxPage(user: AuthUser, query: Record<string, string>): Promise<CapturedPage> {
    const { result, queries } = await this.capture(() =>
      this.app.get(InboxController).inbox(user, query, { auth: undefined }),
    );
    return this.page('/inbox', query, 'workflow/inbox.hbs', result, queries, user);
  }

  async demandsPage(user: AuthUser, query: Record<string, string>): Promise<CapturedPage> {
    const { result, queries } = await this.capture(() =>
      viewOf((reply) => this.app.get(DemandsController).index(query, user, reply)),
    );
    return this.page('/demands', query, result.template, result.context, queries, user);
  }

  async cockpitPage(user: AuthUser): Promise<CapturedPage> {
    const { result, queries } = await this.capture(() =>
      viewOf((reply) => this.app.get(CockpitController).district('', user, reply)),
    );
    return this.page('/cockpit', {}, result.template, result.context, queries, user);
  }

  recordTypeLabels(): RecordTypeLabels {
    return Object.fromEntries(
      this.app
        .get(WorkflowRegistry)
        .all()
        .map((definition) => [
          definition.type,
          {
            label: definition.label,
            moduleLabel: definition.moduleLabel,
            steps: definition.chain.steps.map((step) => step.label),
            linkPrefix: definition.link(''),
          },
        ]),
    );
  }

  private async page(
    path: string,
    query: Record<string, string>,
    template: string,
    context: object,
    queries: CapturedQuery[],
    user: AuthUser,
  ): Promise<CapturedPage> {
    const search = new URLSearchParams(query).toString();
    const url = search ? `${path}?${search}` : path;
    return {
      path: url,
      template,
      context: { ...(await this.locals(user, url)), ...context },
      queries,
    };
  }
}

/** Runs a controller method that renders through reply.view and returns what it rendered. */
async function viewOf(
  handler: (reply: FastifyReply) => Promise<unknown>,
): Promise<{ template: string; context: Record<string, unknown> }> {
  let rendered: { template: string; context: Record<string, unknown> } | undefined;
  const reply = {
    view(template: string, context: Record<string, unknown>) {
      rendered = { template, context };
      return reply;
    },
    header() {
      return reply;
    },
  } as unknown as FastifyReply;
  await handler(reply);
  if (!rendered) {
    throw new Error('The handler rendered nothing');
  }
  return rendered;
}
