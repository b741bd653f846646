import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import request from 'supertest';
import { extractCsrfToken } from '../helpers/http-session.js';
import {
  cloneTemplateDatabase,
  databaseUrl,
  dropDatabase,
  freePort,
} from '../helpers/test-database.js';
import { createUser } from '../helpers/users.factory.js';
import { DataSource } from 'typeorm';

const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n');
const BUILD_DIR = '.test-build';
const ROUNDS = 3;
const IN_FLIGHT = 30;

/**
 * An app process killed with SIGKILL in the middle of submissions with attachments (SECURITY.md
 * B1) leaves no half record: every highlight either exists whole (its workflow item pending, the
 * submit event, the audit row, its PDF linked) or not at all, and every one answered as saved is
 * there. The app runs as a real child process (compiled once to .test-build).
 */
describe('SIGKILL during submissions with attachments', () => {
  let databaseName: string;
  let url: string;
  let dataSource: DataSource;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    await promisify(execFile)(
      'npx',
      [
        'tsc',
        '-p',
        'tsconfig.build.json',
        '--outDir',
        BUILD_DIR,
        '--incremental',
        '--tsBuildInfoFile',
        `${BUILD_DIR}/.tsbuildinfo`,
      ],
      { cwd: process.cwd() },
    );
    databaseName = await cloneTemplateDatabase();
    url = databaseUrl(databaseName);
    dataSource = new DataSource({ type: 'postgres', url });
    await dataSource.initialize();
  }, 900_000);

  afterAll(async () => {
    child?.kill('SIGKILL');
    await dataSource?.destroy();
    if (databaseName) {
      await dropDatabase(databaseName);
    }
  });

  const startApp = async (): Promise<string> => {
    const port = await freePort();
    child = spawn('node', [`${BUILD_DIR}/src/main.js`], {
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        DATABASE_URL: url,
        PORT: String(port),
        HOST: '127.0.0.1',
        SEED_DEMO: '0',
        NODE_ENV: 'development',
        // One clerk uploads 90 files over the rounds, many left unlinked by the kills.
        UPLOAD_MAX_UNLINKED_FILES: '1000',
      },
      stdio: 'ignore',
    });
    const base = `http://127.0.0.1:${port}`;
    // A start-up budget for a busy machine: it bounds a hang, it is no speed goal.
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      const ready = await fetch(`${base}/health`)
        .then((response) => response.ok)
        .catch(() => false);
      if (ready) {
        return base;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error('The app did not start');
  };

  it('should leave every submission whole or absent, and keep every one answered as saved', async () => {
    const clerk = await createUser(dataSource, { unitCode: 'yuzhong', roles: ['entry'] });
    const [kind] = await dataSource.query<{ id: number }[]>(
      `SELECT id FROM dictionary_items WHERE kind = 'affirmation_kind' AND code = 'national_1'`,
    );
    const confirmed: string[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const base = await startApp();
      const agent = request.agent(base);
      const page = await agent.get('/login');
      await agent
        .post('/login')
        .type('form')
        .send({
          mobile: clerk.mobile,
          password: clerk.password,
          _csrf: extractCsrfToken(page.text),
        })
        .expect(303);
      const csrf = extractCsrfToken((await agent.get('/')).text);
      // Upload the PDFs first, then fire the submissions and kill the process while they run.
      const files: string[] = [];
      for (let index = 0; index < IN_FLIGHT; index += 1) {
        const upload = await agent
          .post('/attachments?field=evidence')
          .set('HX-Request', 'true')
          .set('X-CSRF-Token', csrf)
          .attach('upload_evidence', PDF, `kill-${round}-${index}.pdf`);
        files.push(/name="evidence" value="([0-9a-f-]{36})"/.exec(upload.text)![1]);
      }
      // Kill as soon as the first one is answered: some are stored, others are cut off mid-way.
      let firstAnswered: () => void = () => undefined;
      const answered = new Promise<void>((resolve) => {
        firstAnswered = resolve;
      });
      const submissions = files.map((file, index) =>
        agent
          .post('/showcase')
          .type('form')
          .send({
            _csrf: csrf,
            matter: `kill-${round}-${index}`,
            category: 'national',
            subKindId: String(kind.id),
            happenedOn: '2026-05-20',
            problemsSolved: '问题',
            results: '成果',
            evidence: file,
            submit: '1',
          })
          .then((response) => {
            firstAnswered();
            return response.status === 303 ? `kill-${round}-${index}` : undefined;
          })
          .catch(() => undefined),
      );
      await answered;
      await new Promise((resolve) => setTimeout(resolve, round * 10));
      child!.kill('SIGKILL');
      confirmed.push(
        ...(await Promise.all(submissions)).filter((matter): matter is string => !!matter),
      );
    }

    const [whole] = await dataSource.query<
      { highlights: number; broken: number; orphan_items: number }[]
    >(
      `SELECT (SELECT count(*)::int FROM showcase_highlights WHERE matter LIKE 'kill-%') AS highlights,
              (SELECT count(*)::int FROM showcase_highlights h JOIN workflow_items wi ON wi.id = h.id
                WHERE h.matter LIKE 'kill-%'
                  AND (wi.state <> 'pending'
                       OR NOT EXISTS (SELECT 1 FROM workflow_events e WHERE e.item_id = h.id AND e.action = 'submit')
                       OR NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.target_id = h.id::text AND a.action = 'workflow_transition')
                       OR NOT EXISTS (SELECT 1 FROM workflow_item_attachments l WHERE l.item_id = h.id AND l.field = 'evidence'))) AS broken,
              (SELECT count(*)::int FROM workflow_items wi WHERE wi.record_type = 'showcase_highlight'
                AND NOT EXISTS (SELECT 1 FROM showcase_highlights h WHERE h.id = wi.id)) AS orphan_items`,
    );
    expect(whole.broken).toBe(0);
    expect(whole.orphan_items).toBe(0);
    const stored = await dataSource.query<{ matter: string }[]>(
      `SELECT matter FROM showcase_highlights WHERE matter = ANY($1::text[])`,
      [confirmed],
    );
    expect(stored).toHaveLength(confirmed.length);
    // The kill landed while submissions were running: some stored, some cut off.
    expect(whole.highlights).toBeGreaterThan(0);
    expect(whole.highlights).toBeLessThan(ROUNDS * IN_FLIGHT);
    console.log(
      `SIGKILL: ${ROUNDS * IN_FLIGHT} submissions fired, ${whole.highlights} stored whole, ${confirmed.length} answered as saved`,
    );
  }, 900_000);
});
