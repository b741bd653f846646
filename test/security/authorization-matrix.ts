import type { RoleCode } from '../../src/auth/roles.js';

/**
 * The authorization matrix: for every route the app serves, what each subject gets, per object
 * (own unit, other unit, competent department, office) and record state. This file is the source
 * of the expectations; `npm run authz:table` renders it, with the route list read from the router,
 * into authorization-matrix.md, and authorization-matrix.e2e-spec.ts drives every cell.
 *
 * The expectations come from DESIGN.md §1–2 (roles, data scope, review chains) and SECURITY.md
 * C1/C2, not from the code: a cell that disagrees with the app is either a bug in the app or a
 * decision written down here with its reason.
 */

export const SUBJECTS = [
  'anonymous',
  'clerk',
  'reviewer',
  'deptClerk',
  'office',
  'leader',
  'admin',
  'auditor',
  'pending',
] as const;
export type Subject = (typeof SUBJECTS)[number];

/** Who each subject is: unit and role (one role each, as 三员分立 wants for admin and auditor). */
export const SUBJECT_PROFILES: Record<
  Subject,
  { label: string; unit: string; role: RoleCode | undefined }
> = {
  anonymous: { label: 'anon', unit: '—', role: undefined },
  clerk: { label: 'Y clerk', unit: 'Y 渝中区 (district)', role: 'entry' },
  reviewer: { label: 'Y reviewer', unit: 'Y 渝中区 (district)', role: 'reviewer' },
  deptClerk: { label: 'D clerk', unit: 'D 市发展改革委 (department)', role: 'entry' },
  office: { label: 'office', unit: 'O 市委改革办', role: 'office' },
  leader: { label: 'leader', unit: 'O 市委改革办', role: 'leader' },
  admin: { label: 'admin', unit: 'O 市委改革办', role: 'admin' },
  auditor: { label: 'auditor', unit: 'O 市委改革办', role: 'auditor' },
  pending: { label: 'pw change', unit: 'Y 渝中区 (district)', role: 'entry' },
};

/**
 * The `pending` subject is a Y clerk who signed in with the initial (or an expired) password and
 * has not changed it: the session owes a step, and only the password page, logging out and the
 * public routes answer it.
 */

/**
 * What a request answers, as the test classifies it:
 * 200 / 303 allowed (303: a redirect elsewhere than the login page), 422 allowed but the posted
 * form refused (the probe bodies are deliberately incomplete), 'login' the 303 (htmx: 204 +
 * HX-Redirect) to /login of a visitor without a session, 403 a role that may not use the route,
 * 404 an object outside the subject's scope (ids cannot be probed), 409 a workflow action the
 * subject may not take on a record it may read, 401 the login form refusing a wrong password,
 * 'step' the 303 (htmx: HX-Redirect) of a session that owes a login step to that step's page.
 */
export type Outcome = 200 | 303 | 422 | 'login' | 'step' | 401 | 403 | 404 | 409;

export const ALLOWED_OUTCOMES: readonly Outcome[] = [200, 303, 422];

/**
 * Expected outcome per subject for one object, for the subjects whose role may use the route;
 * those not named get `others` (default 404: not in their scope).
 */
export type TargetSpec = Partial<Record<Subject, Outcome>> & { others?: Outcome };

export interface RouteSpec {
  /**
   * Who may use the route at all: these roles; 'signed-in' for every role; 'public' for
   * everyone, anonymous visitors included. Other subjects expect 403 (anonymous: 'login').
   */
  roles: readonly RoleCode[] | 'signed-in' | 'public';
  /** The objects the route is driven with (target names, see TARGETS); none: one cell per subject. */
  targets?: Record<string, TargetSpec>;
  /** What an allowed subject gets on a route without targets (default 200 for GET, 422 for POST). */
  ok?: Outcome;
  /** Per-subject exceptions, ahead of the role check and the targets. */
  except?: Partial<Record<Subject, Outcome>>;
  /** The probe's form fields for a POST (default: none but the CSRF token). */
  body?: Record<string, string>;
  /** Reachable while the session still owes the password change (the password page, logout). */
  beforePasswordChange?: boolean;
  /** Sent from a session of its own, signed in for this one request (the route ends sessions). */
  freshSession?: boolean;
  /** Sent as an htmx fragment request (HX-Request, HX-Request-Type: partial). */
  htmx?: boolean;
  /**
   * The allowed cells change data (a revision, a deactivation, a logout): they run after every
   * other cell, in this order, one at a time.
   */
  mutates?: number;
  /** Why a cell is what it is, for the reader of the table. */
  note?: string;
}

/** The fixture objects, by target name: what each is (the test builds one of each). */
export const TARGETS: Record<string, string> = {
  'demand Y draft': '改革需求 of Y, draft',
  'demand Y pending': '改革需求 of Y, submitted, at Y reviewer',
  'demand Y approved': '改革需求 of Y, approved by the office',
  'demand Y returned': '改革需求 of Y, rejected by Y reviewer',
  'demand J draft': '改革需求 of J, draft',
  'demand J pending': '改革需求 of J, passed by J reviewer, at the office',
  'demand J approved': '改革需求 of J, approved',
  'demand J returned': '改革需求 of J, rejected by J reviewer',
  'file Y draft': "attachment uploaded by Y, on Y's draft demand",
  'file Y approved': "attachment uploaded by Y, on Y's approved demand",
  'file J draft': "attachment uploaded by J, on J's draft demand",
  'file J approved': "attachment uploaded by J, on J's approved demand",
  'file J unlinked': 'attachment uploaded by J, on no record',
  'assignment blocker': '堵点卡点 assigned to Y and J',
  'assignment demand-list': '需求清单 item assigned to Y',
  'task Y': "Y's task of the blocker",
  'task J': "J's task of the blocker",
  'task-progress Y draft': "Y's feedback on its task, draft",
  'task-progress J approved': "J's feedback on its task, approved",
  'pilot Y draft': '改革试点 of Y (competent department D), draft',
  'pilot Y pending': 'pilot of Y (D), submitted, at Y reviewer',
  'pilot Y at D': 'pilot of Y (D), passed by Y reviewer, at D for confirmation',
  'pilot Y approved': 'pilot of Y (D), confirmed by D with J involved',
  'pilot Y returned': 'pilot of Y (D), rejected by Y reviewer',
  'pilot J approved': 'pilot of J (competent department K), confirmed, Y not involved',
  'stream Y (pilot Y)': "Y's progress stream of Y's pilot",
  'stream J (pilot Y)': "J's progress stream of Y's pilot (J involved)",
  'stream J (pilot J)': "J's progress stream of J's pilot (K competent)",
  'filing Y draft': "Y's progress filing on its stream, draft",
  'filing J pending (pilot J)': "J's progress filing on J's pilot, at J reviewer",
  'highlight Y draft': '成效亮点 of Y, draft',
  'highlight Y approved': '成效亮点 of Y, approved',
  'highlight J draft': '成效亮点 of J, draft',
  'highlight J approved': '成效亮点 of J, approved',
  'risk W draft (Y)': '改革风险事件 of W (网信办) involving Y, draft',
  'risk W pending (Y)': 'risk event of W involving Y, at the office',
  'risk W approved (Y)': 'risk event of W involving Y, approved',
  'risk W approved (J)': 'risk event of W involving J, approved',
  'deduction negative_opinion': 'the 负面舆情 deduction standard',
  'satisfaction S approved': '满意度 return of S (survey centre) for 2026-Q3, approved',
  'satisfaction S draft': '满意度 return of S for 2026-Q2, draft',
  'project D': 'major project of D, battle map issued (version 1)',
  'project K': 'major project of K, battle map issued',
  'project D unissued': 'major project of D whose battle map is a draft',
  'map D issued': "battle map of D's issued project",
  'map D draft': "battle map of D's unissued project, draft",
  'map K issued': "battle map of K's issued project",
  'map-row section ind': 'an empty indicator row of the battle-map form',
  'indicator-report D draft': '量化目标推进更新 of D, draft',
  'indicator-report D approved': 'indicator report of D, approved',
  'indicator-report K pending': 'indicator report of K, at K reviewer',
  'indicator-report K approved': 'indicator report of K, approved',
  'plan-update D draft': '月度计划推进更新 of D, draft',
  'plan-update D approved': 'plan update of D, approved',
  'plan-update K pending': 'plan update of K, at K reviewer',
  'plan-update K approved': 'plan update of K, approved',
  'promotion D draft': '经验复制推广 update of D, draft',
  'promotion D approved': 'promotion of D, approved',
  'promotion K pending': 'promotion of K, at K reviewer',
  'promotion K approved': 'promotion of K, approved',
  'brand-item D draft': '品牌显示度 update of D, draft',
  'brand-item D approved': 'brand item of D, approved',
  'brand-item K pending': 'brand item of K, at K reviewer',
  'brand-item K approved': 'brand item of K, approved',
  'iteration D draft': '措施迭代申请 of D, draft',
  'iteration K pending': 'iteration of K, at K reviewer',
  'report district': 'district report 2026-Q3',
  'report district row Y': "Y's row of the district report",
  'report district row J': "J's row of the district report",
  'report project': 'major-project report of the last ended two months',
  'report project row D': "project D's row of the project report",
  'report project row K': "project K's row of the project report",
  'news Y draft': '工作动态 of Y, draft',
  'news Y pending': '工作动态 of Y, submitted, at Y reviewer',
  'news Y approved': '工作动态 of Y, approved and published (系统发布), with an image',
  'news J approved': '工作动态 of J, approved, not published',
  'news image Y': "the image of Y's published 工作动态",
  'news-request Y': '约稿 sent to Y',
  'news-request J': '约稿 sent to J',
  'bulletin published': '《改革简报》 issue, published',
  'bulletin draft': '《改革简报》 issue, not yet published',
  'unit Y': '渝中区',
  'unit J': '江北区',
  'unit D': '市发展改革委',
  'unit O': '市委改革办',
  'notification of clerk': "a notification of the Y clerk's",
  'notification of J clerk': "a notification of J's clerk",
  'session of clerk (another)': "another signed-in session of the Y clerk's",
  'session of K clerk': "a session of K's clerk",
  'user victim': 'a clerk of 北碚区 whom the admin deactivates, resets and unlocks',
  'unit beibei': '北碚区, which the admin deactivates and reactivates',
  'dictionary track': 'a 跑道 dictionary item, deactivated and reactivated',
  'indicator system district': 'the active district indicator system',
  'meeting held': '深改委会议, held, with the adopted topic of Y',
  'topic Y pending': '会议议题 of Y, submitted, at Y reviewer',
  'topic Y approved': '会议议题 of Y, adopted onto the held meeting',
  'decision task Y': "Y's task of a 议定事项 of the held meeting",
  'static app.css': 'css/app.css',
  'static htmx': 'htmx.min.js',
  'static chart.js': 'chart.umd.js',
};

// ---------------------------------------------------------------------------------------------
// Data scope (DESIGN §1–2): who may read each record. Own unit: every state; the competent
// department and the unit that must act: once submitted; the office: everything submitted;
// leaders and admins: approved records. The auditor reads no business data (三员分立).

const Y: Subject[] = ['clerk', 'reviewer'];
const ALL_APPROVED: Subject[] = ['office', 'leader', 'admin'];

export const READERS: Record<string, readonly Subject[]> = {
  'news Y draft': Y,
  'news Y pending': [...Y, 'office'],
  'news Y approved': [...Y, ...ALL_APPROVED],
  'news J approved': ALL_APPROVED,
  'demand Y draft': Y,
  'demand Y pending': [...Y, 'office'],
  'demand Y approved': [...Y, ...ALL_APPROVED],
  'demand Y returned': [...Y, 'office'],
  'demand J draft': [],
  'demand J pending': ['office'],
  'demand J approved': ALL_APPROVED,
  'demand J returned': ['office'],
  'pilot Y draft': Y,
  'pilot Y pending': [...Y, 'deptClerk', 'office'],
  'pilot Y at D': [...Y, 'deptClerk', 'office'],
  'pilot Y approved': [...Y, 'deptClerk', ...ALL_APPROVED],
  'pilot Y returned': [...Y, 'deptClerk', 'office'],
  'pilot J approved': ALL_APPROVED,
  'task-progress Y draft': Y,
  'task-progress J approved': ALL_APPROVED,
  'filing Y draft': Y,
  'filing J pending (pilot J)': ['office'],
  'highlight Y draft': Y,
  'highlight Y approved': [...Y, ...ALL_APPROVED],
  'highlight J draft': [],
  'highlight J approved': ALL_APPROVED,
  'risk W draft (Y)': [],
  'risk W pending (Y)': ['office'],
  'risk W approved (Y)': [...Y, ...ALL_APPROVED],
  'risk W approved (J)': ALL_APPROVED,
  'satisfaction S approved': ALL_APPROVED,
  'satisfaction S draft': [],
  'map D issued': ['deptClerk', ...ALL_APPROVED],
  'map D draft': ['deptClerk'],
  'map K issued': ALL_APPROVED,
  'indicator-report D draft': ['deptClerk'],
  'indicator-report D approved': ['deptClerk', ...ALL_APPROVED],
  'indicator-report K pending': ['office'],
  'indicator-report K approved': ALL_APPROVED,
  'plan-update D draft': ['deptClerk'],
  'plan-update D approved': ['deptClerk', ...ALL_APPROVED],
  'plan-update K pending': ['office'],
  'plan-update K approved': ALL_APPROVED,
  'promotion D draft': ['deptClerk'],
  'promotion D approved': ['deptClerk', ...ALL_APPROVED],
  'promotion K pending': ['office'],
  'promotion K approved': ALL_APPROVED,
  'topic Y pending': [...Y, 'office'],
  'topic Y approved': [...Y, ...ALL_APPROVED],
  'brand-item D draft': ['deptClerk'],
  'brand-item D approved': ['deptClerk', ...ALL_APPROVED],
  'brand-item K pending': ['office'],
  'brand-item K approved': ALL_APPROVED,
  'iteration D draft': ['deptClerk'],
  'iteration K pending': ['office'],
};

/** Who may send the record back now (the step that must act): the transition probe's 422. */
const REJECTER: Partial<Record<string, Subject>> = {
  'demand Y pending': 'reviewer',
  'demand J pending': 'office',
  'pilot Y pending': 'reviewer',
  'pilot Y at D': 'deptClerk',
  'risk W pending (Y)': 'office',
  'filing J pending (pilot J)': undefined,
  'indicator-report K pending': undefined,
};

/** Readers get `ok`, everyone else in the route's roles 404. */
function readable(names: readonly string[], ok: Outcome): Record<string, TargetSpec> {
  return Object.fromEntries(
    names.map((name) => {
      const readers = READERS[name];
      if (!readers) {
        throw new Error(`No readers for ${name}`);
      }
      return [name, Object.fromEntries(readers.map((subject) => [subject, ok]))];
    }),
  );
}

/** Readers who are entry clerks get `ok` (a re-rendered form: 422); others 404. */
function writableBy(
  names: readonly string[],
  ok: Outcome,
  overrides: Record<string, TargetSpec> = {},
): Record<string, TargetSpec> {
  const specs = readable(names, ok);
  for (const [name, spec] of Object.entries(overrides)) {
    specs[name] = spec;
  }
  return specs;
}

/** The transition probe (reject without a reason): 422 for the step that must act, 409 for other readers. */
function rejectable(names: readonly string[]): Record<string, TargetSpec> {
  return Object.fromEntries(
    names.map((name) => {
      const spec: TargetSpec = Object.fromEntries(
        READERS[name].map((subject) => [subject, subject === REJECTER[name] ? 422 : 409]),
      );
      return [name, spec];
    }),
  );
}

/** A revision may be opened by the owner's clerk on the approved revision only. */
function revisable(names: readonly string[], approved: string, owner: Subject) {
  return Object.fromEntries(
    names.map((name) => {
      const spec: TargetSpec = Object.fromEntries(
        READERS[name].map((subject) => [
          subject,
          name === approved && subject === owner ? 303 : 409,
        ]),
      );
      return [name, spec];
    }),
  );
}

const BUSINESS: readonly RoleCode[] = ['entry', 'reviewer', 'office', 'leader', 'admin'];
const ENTRY: readonly RoleCode[] = ['entry'];
const OFFICE: readonly RoleCode[] = ['office'];
const ADMIN: readonly RoleCode[] = ['admin'];
/** Indicator systems: the office (issue 8) and the admin (DESIGN §1). */
const SYSTEM_EDITORS: readonly RoleCode[] = ['office', 'admin'];
const COCKPIT: readonly RoleCode[] = ['office', 'leader'];
const ASSIGNERS: readonly RoleCode[] = ['office', 'leader', 'admin'];

const NEWS = ['news Y draft', 'news Y pending', 'news Y approved', 'news J approved'];

const DEMANDS = [
  'demand Y draft',
  'demand Y pending',
  'demand Y approved',
  'demand Y returned',
  'demand J draft',
  'demand J pending',
  'demand J approved',
  'demand J returned',
];
const PILOTS = [
  'pilot Y draft',
  'pilot Y pending',
  'pilot Y at D',
  'pilot Y approved',
  'pilot Y returned',
  'pilot J approved',
];
const HIGHLIGHTS = [
  'highlight Y draft',
  'highlight Y approved',
  'highlight J draft',
  'highlight J approved',
];
const RISKS = [
  'risk W draft (Y)',
  'risk W pending (Y)',
  'risk W approved (Y)',
  'risk W approved (J)',
];
const SATISFACTION = ['satisfaction S approved', 'satisfaction S draft'];
const TOPICS = ['topic Y pending', 'topic Y approved'];
const updates = (kind: string) => [
  `${kind} D draft`,
  `${kind} D approved`,
  `${kind} K pending`,
  `${kind} K approved`,
];

/** Project pages: the responsible department reads its project; office, leaders, admins all. */
const PROJECT_READERS: Record<string, TargetSpec> = {
  'project D': { deptClerk: 200, office: 200, leader: 200, admin: 200 },
  'project K': { office: 200, leader: 200, admin: 200 },
};

/** Filing a monthly update: only the responsible department's clerk, only once the map is issued. */
const FILING_PROJECTS = (ok: Outcome): Record<string, TargetSpec> => ({
  'project D': { deptClerk: ok },
  'project K': {},
  'project D unissued': { deptClerk: 409 },
});

const updateRoutes = (kind: string, path: string, revise: boolean): Record<string, RouteSpec> => ({
  [`GET /major-projects/:projectId/${path}/new`]: {
    roles: ENTRY,
    targets: FILING_PROJECTS(200),
  },
  [`POST /major-projects/:projectId/${path}/new`]: {
    roles: ENTRY,
    targets: FILING_PROJECTS(422),
  },
  [`GET /major-projects/${path}/:id`]: { roles: BUSINESS, targets: readable(updates(kind), 200) },
  [`POST /major-projects/${path}/:id`]: {
    roles: ENTRY,
    targets: writableBy(updates(kind), 422),
  },
  ...(revise
    ? {
        [`POST /major-projects/${path}/:id/revision`]: {
          roles: ENTRY,
          targets: revisable(updates(kind), `${kind} D approved`, 'deptClerk'),
          mutates: 2,
        },
      }
    : {}),
});

export const MATRIX: Record<string, RouteSpec> = {
  // Home, account, session ----------------------------------------------------------------
  'GET /': { roles: 'signed-in' },
  'GET /health': { roles: 'public' },
  'GET /health/live': { roles: 'public' },
  'GET /health/ready': { roles: 'public' },
  'GET /login': {
    roles: 'public',
    except: {
      clerk: 303,
      reviewer: 303,
      deptClerk: 303,
      office: 303,
      leader: 303,
      admin: 303,
      auditor: 303,
      pending: 303,
    },
    note: 'a signed-in user is sent on to the home page',
  },
  'POST /login': {
    roles: 'public',
    ok: 401,
    body: { mobile: '13000000000', password: 'Wrong@Pass2026' },
    note: 'probe: an unknown mobile number, refused with the form again',
  },
  'POST /logout': {
    roles: 'signed-in',
    beforePasswordChange: true,
    ok: 'login',
    freshSession: true,
    note: 'logging out answers 303 → /login too',
  },
  'GET /account/password': { roles: 'signed-in', beforePasswordChange: true },
  'POST /account/password': { roles: 'signed-in', beforePasswordChange: true },
  'GET /login/second-factor': {
    roles: 'signed-in',
    ok: 303,
    note: 'a session that owes no code is sent on to the home page',
  },
  'POST /login/second-factor': { roles: 'signed-in', ok: 303 },
  'GET /account/mfa': { roles: 'signed-in' },
  'POST /account/mfa': { roles: 'signed-in', body: { code: '000000' } },
  'POST /account/mfa/recovery-codes': { roles: 'signed-in', body: { code: '000000' } },
  'POST /account/mfa/disable': { roles: 'signed-in', body: { code: '000000' } },
  'GET /account/sessions': { roles: 'signed-in' },
  'POST /session/keepalive': {
    roles: 'signed-in',
    ok: 200,
    note: '继续 on the idle warning and the ping while typing: the request itself keeps the session',
  },
  'POST /account/sessions/others/end': { roles: 'signed-in', ok: 303, mutates: 2 },
  'POST /account/sessions/:publicId/end': {
    roles: 'signed-in',
    targets: { 'session of clerk (another)': { clerk: 303 }, 'session of K clerk': {} },
    mutates: 1,
    note: "one's own sessions only",
  },
  'POST /account/sessions/all/end': {
    roles: 'signed-in',
    ok: 'login',
    freshSession: true,
    mutates: 99,
    note: 'ending every session answers 303 → /login too; it ends the subjects’ sessions, so it runs last',
  },
  'GET /notifications': { roles: 'signed-in' },
  'GET /search': {
    roles: 'signed-in',
    note: 'hits only among the records the user may read (the shared visibility rule)',
  },
  'POST /notifications/read-all': { roles: 'signed-in', ok: 303, mutates: 1 },
  'POST /notifications/:id/read': {
    roles: 'signed-in',
    targets: {
      'notification of clerk': { clerk: 303 },
      'notification of J clerk': {},
    },
    mutates: 1,
    note: "one's own notifications only",
  },
  'GET /static/*': { roles: 'public', targets: { 'static app.css': { others: 200 } } },
  'GET /static/vendor/htmx/*': { roles: 'public', targets: { 'static htmx': { others: 200 } } },
  'GET /static/vendor/chart.js/*': {
    roles: 'public',
    targets: { 'static chart.js': { others: 200 } },
  },
  'GET /my-unit/members': { roles: ['entry', 'reviewer'] },
  'GET /units/:unitId/members': {
    roles: BUSINESS,
    targets: {
      'unit Y': { clerk: 200, reviewer: 200, office: 200, leader: 200, admin: 200 },
      'unit J': { office: 200, leader: 200, admin: 200 },
      'unit O': { office: 200, leader: 200, admin: 200 },
    },
  },
  'GET /dictionaries/tracks': { roles: BUSINESS, htmx: true },

  // Workflow: inbox, generic record links and transitions -------------------------------------
  'GET /inbox': { roles: ['reviewer', 'entry', 'office'] },
  'POST /inbox/pass': {
    roles: ['reviewer', 'entry', 'office'],
    ok: 200,
    note: 'the probe ticks nothing: 200 with 请先勾选; each ticked record goes through POST /records/:id/transitions rules',
  },
  'GET /my-submissions': { roles: ['entry', 'reviewer'] },
  'GET /records/:id': {
    roles: BUSINESS,
    targets: readable([...DEMANDS, ...PILOTS, ...RISKS, 'task-progress J approved'], 303),
    note: 'a reader is sent to the module page of the record',
  },
  'POST /records/:id/transitions': {
    roles: BUSINESS,
    body: { action: 'reject' },
    htmx: true,
    targets: rejectable([...DEMANDS, ...PILOTS, 'risk W pending (Y)', 'risk W approved (Y)']),
    note: 'probe: reject without a reason — 422 for the step that must act, 409 for other readers',
  },

  // Attachments ----------------------------------------------------------------------------
  'POST /attachments': {
    roles: ['entry', 'office'],
    note: 'clerks attach files to records, the office to project base info and satisfaction',
  },
  'GET /attachments/:id': {
    roles: BUSINESS,
    targets: {
      'file Y draft': { clerk: 200, reviewer: 200 },
      'file Y approved': { clerk: 200, reviewer: 200, office: 200, leader: 200, admin: 200 },
      'file J draft': {},
      'file J approved': { office: 200, leader: 200, admin: 200 },
      'file J unlinked': {},
    },
    note: 'the uploading unit, and whoever may read a record the file is on',
  },

  // 改革需求 -----------------------------------------------------------------------------------
  'GET /demands': { roles: BUSINESS },
  'GET /demands/export': { roles: BUSINESS },
  'GET /demands/new': { roles: ENTRY },
  'POST /demands': { roles: ENTRY },
  'GET /demands/:id': { roles: BUSINESS, targets: readable(DEMANDS, 200) },
  'POST /demands/:id': {
    roles: ENTRY,
    targets: writableBy(DEMANDS, 422),
    note: 'readers re-get the form with errors; saving a record not editable is refused in the service',
  },
  'POST /demands/:id/revision': {
    roles: ENTRY,
    targets: revisable(DEMANDS, 'demand Y approved', 'clerk'),
    mutates: 2,
  },

  // 需求清单 / 堵点卡点 ---------------------------------------------------------------------------
  'GET /demand-list': { roles: ASSIGNERS },
  'GET /demand-list/new': { roles: OFFICE },
  'POST /demand-list': { roles: OFFICE },
  'GET /demand-list/:id': {
    roles: ASSIGNERS,
    targets: {
      'assignment demand-list': { office: 200, leader: 200, admin: 200 },
      'assignment blocker': {},
    },
    note: 'an id of the other kind is not found',
  },
  'GET /demand-list/import': { roles: OFFICE },
  'GET /demand-list/import/template': { roles: OFFICE },
  'POST /demand-list/import': { roles: OFFICE },
  'GET /blockers': { roles: ASSIGNERS },
  'GET /blockers/new': { roles: OFFICE },
  'POST /blockers': { roles: OFFICE },
  'GET /blockers/:id': {
    roles: ASSIGNERS,
    targets: {
      'assignment blocker': { office: 200, leader: 200, admin: 200 },
      'assignment demand-list': {},
    },
  },
  'GET /tasks': { roles: BUSINESS },
  'GET /tasks/export': { roles: BUSINESS },
  'GET /tasks/:id': {
    roles: BUSINESS,
    targets: {
      'task Y': { clerk: 200, reviewer: 200, office: 200, leader: 200, admin: 200 },
      'task J': { office: 200, leader: 200, admin: 200 },
    },
  },
  'POST /tasks/:id/progress': {
    roles: ENTRY,
    targets: { 'task Y': { clerk: 422 }, 'task J': {} },
  },
  'GET /task-progress/:id': {
    roles: BUSINESS,
    targets: readable(['task-progress Y draft', 'task-progress J approved'], 200),
  },
  'POST /task-progress/:id': {
    roles: ENTRY,
    targets: writableBy(['task-progress Y draft', 'task-progress J approved'], 422),
  },

  // 改革试点 -----------------------------------------------------------------------------------
  'GET /pilots': { roles: BUSINESS },
  'GET /pilots/export': { roles: BUSINESS },
  'GET /pilots/new': { roles: ENTRY },
  'POST /pilots': { roles: ENTRY },
  'GET /pilots/:id': { roles: BUSINESS, targets: readable(PILOTS, 200) },
  'POST /pilots/:id': { roles: ENTRY, targets: writableBy(PILOTS, 422) },
  'POST /pilots/:id/confirmation': {
    roles: ENTRY,
    body: { involvedUnitIds: 'x' },
    targets: writableBy(PILOTS, 422),
    note: 'probe: an invalid district list, re-rendered for readers; confirming is the competent clerk’s step',
  },
  'POST /pilots/:id/revision': {
    roles: ENTRY,
    targets: revisable(PILOTS, 'pilot Y approved', 'clerk'),
    mutates: 2,
  },
  'GET /pilot-streams/:id': {
    roles: BUSINESS,
    targets: {
      'stream Y (pilot Y)': {
        clerk: 200,
        reviewer: 200,
        deptClerk: 200,
        office: 200,
        leader: 200,
        admin: 200,
      },
      'stream J (pilot Y)': { deptClerk: 200, office: 200, leader: 200, admin: 200 },
      'stream J (pilot J)': { office: 200, leader: 200, admin: 200 },
    },
    note: 'the involved district, the competent department, office, leaders and admins',
  },
  ...Object.fromEntries(
    ['progress', 'achievements', 'acceptance'].map((form) => [
      `POST /pilot-streams/:id/${form}`,
      {
        roles: ENTRY,
        targets: {
          'stream Y (pilot Y)': { clerk: 422, deptClerk: 422 },
          'stream J (pilot Y)': { deptClerk: 422 },
          'stream J (pilot J)': {},
        },
        note: 'readers of the stream re-get the page with errors; filing is the district clerk’s',
      } satisfies RouteSpec,
    ]),
  ),
  'GET /pilot-filings': { roles: BUSINESS },
  'GET /pilot-filings/export': { roles: BUSINESS },
  'GET /pilot-filings/:id': {
    roles: BUSINESS,
    targets: readable(['filing Y draft', 'filing J pending (pilot J)'], 200),
  },
  'POST /pilot-filings/:id': {
    roles: ENTRY,
    targets: writableBy(['filing Y draft', 'filing J pending (pilot J)'], 422),
  },

  // 成效晾晒 -----------------------------------------------------------------------------------
  'GET /showcase': { roles: BUSINESS },
  'GET /showcase/export': { roles: BUSINESS },
  'GET /showcase/new': { roles: ENTRY },
  'POST /showcase': { roles: ENTRY },
  'GET /showcase/:id': { roles: BUSINESS, targets: readable(HIGHLIGHTS, 200) },
  'POST /showcase/:id': { roles: ENTRY, targets: writableBy(HIGHLIGHTS, 422) },

  // 改革风险 -----------------------------------------------------------------------------------
  'GET /risk': { roles: BUSINESS },
  'GET /risk/export': { roles: BUSINESS },
  'GET /risk/new': {
    roles: ENTRY,
    except: { clerk: 403, deptClerk: 403 },
    note: 'only risk-reporter units (网信办, 信访办) file risk events',
  },
  'POST /risk': { roles: ENTRY, except: { clerk: 403, deptClerk: 403 } },
  'POST /risk/deductions/:code': {
    roles: OFFICE,
    targets: { 'deduction negative_opinion': { office: 422 } },
    note: 'probe without points',
  },
  'GET /risk/:id': { roles: BUSINESS, targets: readable(RISKS, 200) },

  // 深改委会议管理 ------------------------------------------------------------------------------
  'GET /meetings': { roles: BUSINESS },
  'GET /meetings/export': { roles: BUSINESS },
  'GET /meetings/new': { roles: OFFICE },
  'POST /meetings': { roles: OFFICE },
  'GET /meetings/:id': {
    roles: BUSINESS,
    targets: { 'meeting held': { others: 200 } },
    note: 'every business user reads a meeting, its agenda and the state of its decisions',
  },
  'GET /meetings/:id/edit': { roles: OFFICE, targets: { 'meeting held': { office: 200 } } },
  'POST /meetings/:id': { roles: OFFICE, targets: { 'meeting held': { office: 422 } } },
  'POST /meetings/:id/minutes': {
    roles: OFFICE,
    targets: { 'meeting held': { office: 422 } },
    note: 'probe without a note',
  },
  'POST /meetings/:id/decisions': { roles: OFFICE, targets: { 'meeting held': { office: 422 } } },
  'GET /meetings/topics': { roles: BUSINESS },
  'GET /meetings/topics/export': { roles: BUSINESS },
  'GET /meetings/topics/new': {
    roles: ['entry', 'office'],
    note: 'units propose topics; the office adds its own',
  },
  'POST /meetings/topics': { roles: ['entry', 'office'] },
  'GET /meetings/topics/:id': { roles: BUSINESS, targets: readable(TOPICS, 200) },
  'GET /meetings/topics/:id/edit': {
    roles: ENTRY,
    targets: { 'topic Y pending': { clerk: 200 }, 'topic Y approved': { clerk: 200 } },
  },
  'POST /meetings/topics/:id': {
    roles: ENTRY,
    targets: { 'topic Y pending': { clerk: 422 }, 'topic Y approved': { clerk: 422 } },
    note: 'not editable now: the reason next to the field',
  },
  'POST /meetings/topics/:id/adopt': {
    roles: OFFICE,
    targets: { 'topic Y pending': { office: 422 }, 'topic Y approved': { office: 422 } },
    note: 'probe without a meeting',
  },
  'POST /meetings/topics/:id/result': {
    roles: OFFICE,
    targets: { 'topic Y pending': { office: 422 }, 'topic Y approved': { office: 422 } },
    note: 'probe without a result',
  },
  'GET /meetings/decisions': { roles: BUSINESS, note: 'a unit lists its own tasks' },
  'GET /meetings/decisions/export': { roles: BUSINESS },
  'POST /meetings/decisions/tasks/:taskId/close': {
    roles: OFFICE,
    targets: { 'decision task Y': { office: 303 } },
    mutates: 1,
    note: '销号: the office only',
  },

  // 工作动态 -----------------------------------------------------------------------------------
  'GET /news': { roles: BUSINESS },
  'GET /news/export': { roles: BUSINESS },
  'GET /news/stats': { roles: COCKPIT },
  'GET /news/stats/export': { roles: COCKPIT },
  'GET /news/new': { roles: ENTRY },
  'POST /news': { roles: ENTRY },
  'GET /news/:id': { roles: BUSINESS, targets: readable(NEWS, 200) },
  'POST /news/:id': {
    roles: ENTRY,
    targets: writableBy(NEWS, 422),
    note: 'readers re-get the form with errors; saving a record not editable is refused in the service',
  },
  'POST /news/:id/uses': {
    roles: OFFICE,
    targets: {
      'news Y draft': {},
      'news Y pending': { office: 422 },
      'news Y approved': { office: 422 },
      'news J approved': { office: 422 },
    },
    note: 'probe without a use; the office records uses of approved items only',
  },
  'GET /news/feed': { roles: BUSINESS },
  'GET /news/feed/:id': {
    roles: BUSINESS,
    targets: { 'news Y approved': { others: 200 }, 'news J approved': {}, 'news Y draft': {} },
    note: 'every user reads published items; nobody reads others through the feed',
  },
  'GET /news/feed/:id/images/:attachmentId': {
    roles: BUSINESS,
    targets: { 'news image Y': { others: 200 } },
  },
  'GET /news/requests': { roles: BUSINESS },
  'POST /news/requests': { roles: OFFICE },
  'GET /news/requests/:id': {
    roles: BUSINESS,
    targets: {
      'news-request Y': { clerk: 200, reviewer: 200, office: 200, leader: 200 },
      'news-request J': { office: 200, leader: 200 },
    },
    note: 'the office and leaders, and the units a 约稿 was sent to',
  },
  'GET /news/bulletins': { roles: BUSINESS },
  'GET /news/bulletins/new': { roles: OFFICE },
  'POST /news/bulletins': { roles: OFFICE },
  'GET /news/bulletins/:id': {
    roles: BUSINESS,
    targets: { 'bulletin published': { others: 200 }, 'bulletin draft': { office: 200 } },
    note: 'published issues for every user; drafts for the office',
  },
  'GET /news/bulletins/:id/docx': {
    roles: BUSINESS,
    targets: { 'bulletin published': { others: 200 }, 'bulletin draft': { office: 200 } },
  },
  'GET /news/bulletins/:id/edit': {
    roles: OFFICE,
    targets: { 'bulletin published': { office: 200 }, 'bulletin draft': { office: 200 } },
  },
  'POST /news/bulletins/:id': {
    roles: OFFICE,
    targets: { 'bulletin published': { office: 422 }, 'bulletin draft': { office: 422 } },
    note: 'probe without fields; a published issue is refused in the service',
  },
  'POST /news/bulletins/:id/publish': {
    roles: OFFICE,
    targets: { 'bulletin published': { office: 303 } },
    note: 'publishing a published issue changes nothing',
  },

  // 改革满意度 ---------------------------------------------------------------------------------
  'GET /satisfaction': { roles: BUSINESS },
  'GET /satisfaction/history': { roles: BUSINESS },
  'GET /satisfaction/template': { roles: BUSINESS },
  'GET /satisfaction/new': {
    roles: ENTRY,
    except: { clerk: 403, deptClerk: 403 },
    note: 'only the survey centre files satisfaction scores',
  },
  'POST /satisfaction': {
    roles: ENTRY,
    except: { clerk: 404, deptClerk: 404 },
    note: 'the service refuses a clerk outside the survey centre with 404',
  },
  'GET /satisfaction/import': {
    roles: ENTRY,
    ok: 303,
    note: 'a reload after a refused import goes back to the form',
  },
  'POST /satisfaction/import': { roles: ENTRY, except: { clerk: 403, deptClerk: 403 } },
  'GET /satisfaction/:id': { roles: BUSINESS, targets: readable(SATISFACTION, 200) },

  // 市级重大改革项目 ---------------------------------------------------------------------------
  'GET /major-projects': { roles: ['entry', 'reviewer', 'office', 'leader', 'admin'] },
  'GET /major-projects/export': { roles: ['entry', 'reviewer', 'office', 'leader', 'admin'] },
  'GET /major-projects/new': { roles: OFFICE },
  'POST /major-projects': { roles: OFFICE },
  'GET /major-projects/:id': { roles: BUSINESS, targets: PROJECT_READERS },
  'GET /major-projects/:id/edit': {
    roles: OFFICE,
    targets: { 'project D': { office: 200 }, 'project K': { office: 200 } },
  },
  'POST /major-projects/:id/edit': {
    roles: OFFICE,
    targets: { 'project D': { office: 422 } },
  },
  'GET /major-projects/:id/map': {
    roles: BUSINESS,
    targets: {
      ...PROJECT_READERS,
      'project D unissued': { deptClerk: 200, office: 200, leader: 200, admin: 200 },
    },
    note: 'the page of a project reader; the draft map itself is shown to D only',
  },
  'POST /major-projects/:id/map': {
    roles: ENTRY,
    targets: { 'project D': { deptClerk: 404 }, 'project D unissued': { deptClerk: 303 } },
    mutates: 3,
    note: 'an issued map is not editable (404); D saves its draft map (an empty draft is allowed)',
  },
  'GET /major-projects/:id/versions/:version': {
    roles: BUSINESS,
    targets: { ...PROJECT_READERS, 'project D unissued': {} },
  },
  'GET /major-projects/maps/:itemId': {
    roles: BUSINESS,
    targets: readable(['map D issued', 'map D draft', 'map K issued'], 303),
  },
  'GET /major-projects/map-rows/:section': {
    roles: ENTRY,
    htmx: true,
    targets: { 'map-row section ind': { clerk: 200, deptClerk: 200 } },
  },
  'GET /major-projects/:projectId/iterations/new': {
    roles: ENTRY,
    targets: { ...FILING_PROJECTS(200), 'project D unissued': { deptClerk: 200 } },
    note: 'before the map is issued the form is shown and saving it is refused with the reason (422)',
  },
  'GET /major-projects/:projectId/iterations': {
    roles: ENTRY,
    targets: { ...FILING_PROJECTS(303), 'project D unissued': { deptClerk: 303 } },
    note: 'a reload after a refused save goes back to the form of a project in scope',
  },
  'POST /major-projects/:projectId/iterations': {
    roles: ENTRY,
    targets: { ...FILING_PROJECTS(422), 'project D unissued': { deptClerk: 422 } },
  },
  'GET /major-projects/iterations/:id': {
    roles: BUSINESS,
    targets: readable(['iteration D draft', 'iteration K pending'], 200),
  },
  'POST /major-projects/iterations/:id': {
    roles: ENTRY,
    targets: writableBy(['iteration D draft', 'iteration K pending'], 422),
  },
  ...updateRoutes('indicator-report', 'indicator-reports', true),
  ...updateRoutes('promotion', 'promotions', true),
  ...updateRoutes('brand-item', 'brand-items', true),
  'GET /major-projects/:projectId/plans/:planKey/updates/new': {
    roles: ENTRY,
    targets: FILING_PROJECTS(200),
  },
  'POST /major-projects/:projectId/plans/:planKey/updates/new': {
    roles: ENTRY,
    targets: FILING_PROJECTS(422),
  },
  'GET /major-projects/plan-updates/:id': {
    roles: BUSINESS,
    targets: readable(updates('plan-update'), 200),
  },
  'POST /major-projects/plan-updates/:id': {
    roles: ENTRY,
    targets: writableBy(updates('plan-update'), 422),
  },
  'POST /major-projects/plan-updates/:id/revision': {
    roles: ENTRY,
    targets: revisable(updates('plan-update'), 'plan-update D approved', 'deptClerk'),
    mutates: 2,
  },
  ...Object.fromEntries(
    ['indicators', 'plan-updates', 'promotions', 'brand-items'].flatMap((ledger) => [
      [`GET /major-projects/ledgers/${ledger}`, { roles: BUSINESS } satisfies RouteSpec],
      [`GET /major-projects/ledgers/${ledger}/export`, { roles: BUSINESS } satisfies RouteSpec],
    ]),
  ),
  'GET /major-projects/satisfaction': { roles: COCKPIT },
  'GET /major-projects/satisfaction/edit': { roles: OFFICE },
  'POST /major-projects/satisfaction/edit': { roles: OFFICE },

  // 指数与报表, 驾驶舱, 考评 ----------------------------------------------------------------------
  'GET /indicator-systems': { roles: SYSTEM_EDITORS },
  'POST /indicator-systems/drafts': { roles: SYSTEM_EDITORS, ok: 303, mutates: 4 },
  'GET /indicator-systems/bands': { roles: SYSTEM_EDITORS, ok: 303 },
  'POST /indicator-systems/bands': { roles: SYSTEM_EDITORS },
  'GET /indicator-systems/:id': {
    roles: SYSTEM_EDITORS,
    targets: { 'indicator system district': { office: 200, admin: 200 } },
  },
  'POST /indicator-systems/:id': {
    roles: SYSTEM_EDITORS,
    targets: { 'indicator system district': { office: 422, admin: 422 } },
    note: 'the active system is not a draft',
  },
  'POST /indicator-systems/:id/activate': {
    roles: SYSTEM_EDITORS,
    targets: { 'indicator system district': { office: 422, admin: 422 } },
    note: 'the active system cannot be activated again',
  },
  'GET /what-if': { roles: SYSTEM_EDITORS },
  'POST /what-if': { roles: SYSTEM_EDITORS },
  'GET /what-if/upload': { roles: SYSTEM_EDITORS, ok: 303 },
  'GET /what-if/template': { roles: SYSTEM_EDITORS },
  'POST /what-if/upload': { roles: SYSTEM_EDITORS },
  'GET /reports': { roles: COCKPIT },
  'POST /reports': { roles: OFFICE },
  'GET /reports/preview': {
    roles: COCKPIT,
    note: 'the 期中预览 of the running quarter (2026-Q4), read with the latest approved satisfaction scores (2026-Q3)',
  },
  'GET /reports/:id': {
    roles: COCKPIT,
    targets: {
      'report district': { office: 200, leader: 200 },
      'report project': { office: 200, leader: 200 },
    },
  },
  'GET /reports/:id/export': {
    roles: COCKPIT,
    targets: {
      'report district': { office: 200, leader: 200 },
      'report project': { office: 200, leader: 200 },
    },
  },
  'GET /reports/:id/briefing': {
    roles: COCKPIT,
    targets: {
      'report district': { office: 200, leader: 200 },
      'report project': { office: 200, leader: 200 },
    },
    note: 'the print briefing: whoever may see the report',
  },
  'GET /reports/:id/briefing.docx': {
    roles: COCKPIT,
    targets: {
      'report district': { office: 200, leader: 200 },
      'report project': { office: 200, leader: 200 },
    },
    note: 'the Word briefing: whoever may see the report',
  },
  'GET /reports/:id/briefing.pdf': {
    roles: COCKPIT,
    targets: {
      'report district': { office: 200, leader: 200 },
      'report project': { office: 200, leader: 200 },
    },
    note: 'the PDF briefing: whoever may see the report',
  },
  'GET /reports/:id/rows/:position': {
    roles: BUSINESS,
    targets: {
      'report district row Y': { clerk: 200, reviewer: 200, office: 200, leader: 200 },
      'report district row J': { office: 200, leader: 200 },
      'report project row D': { deptClerk: 200, office: 200, leader: 200 },
      'report project row K': { office: 200, leader: 200 },
    },
    note: 'a unit reads its own row (a department its projects’ rows); office and leaders every row',
  },
  'GET /cockpit': { roles: COCKPIT },
  'GET /cockpit/projects': { roles: COCKPIT },
  'GET /cockpit/wall': { roles: COCKPIT, note: '大屏: the district cockpit for the wall screen' },
  'GET /cockpit/districts/:unitId': {
    roles: COCKPIT,
    htmx: true,
    targets: { 'unit Y': { office: 200, leader: 200 }, 'unit D': {} },
    note: 'the htmx drill-down; a unit that is not a district is not found',
  },
  'GET /usage': { roles: COCKPIT },
  'GET /usage/export': { roles: COCKPIT },
  'GET /reporting-progress': { roles: OFFICE },
  'GET /reporting-progress/export': { roles: OFFICE },
  'POST /reporting-progress/urge': {
    roles: OFFICE,
    ok: 303,
    note: 'probe: no unit chosen, back to the board with the message (nothing sent)',
  },

  // 系统管理, 审计 -----------------------------------------------------------------------------
  'GET /admin/users': { roles: ADMIN },
  'GET /admin/users/new': { roles: ADMIN },
  'POST /admin/users': { roles: ADMIN },
  'GET /admin/users/:id': { roles: ADMIN, targets: { 'user victim': { admin: 200 } } },
  'POST /admin/users/:id': { roles: ADMIN, targets: { 'user victim': { admin: 422 } } },
  'POST /admin/users/:id/password-reset': {
    roles: ADMIN,
    targets: { 'user victim': { admin: 303 } },
    mutates: 5,
  },
  'POST /admin/users/:id/mfa-reset': {
    roles: ADMIN,
    targets: { 'user victim': { admin: 303 } },
    mutates: 5,
  },
  'POST /admin/users/:id/unlock': {
    roles: ADMIN,
    targets: { 'user victim': { admin: 303 } },
    mutates: 5,
  },
  'POST /admin/users/:id/deactivation': {
    roles: ADMIN,
    targets: { 'user victim': { admin: 303 } },
    mutates: 6,
  },
  'POST /admin/users/:id/activation': {
    roles: ADMIN,
    targets: { 'user victim': { admin: 303 } },
    mutates: 7,
  },
  'GET /admin/units': { roles: ADMIN },
  'GET /admin/units/new': { roles: ADMIN },
  'POST /admin/units': { roles: ADMIN },
  'GET /admin/units/:id': { roles: ADMIN, targets: { 'unit beibei': { admin: 200 } } },
  'POST /admin/units/:id': { roles: ADMIN, targets: { 'unit beibei': { admin: 422 } } },
  'POST /admin/units/:id/deactivation': {
    roles: ADMIN,
    targets: { 'unit beibei': { admin: 303 } },
    mutates: 6,
  },
  'POST /admin/units/:id/activation': {
    roles: ADMIN,
    targets: { 'unit beibei': { admin: 303 } },
    mutates: 7,
  },
  'GET /admin/dictionaries': { roles: ADMIN },
  'POST /admin/dictionaries': { roles: ADMIN },
  'GET /admin/dictionaries/:id': {
    roles: ADMIN,
    targets: { 'dictionary track': { admin: 200 } },
  },
  'POST /admin/dictionaries/:id': {
    roles: ADMIN,
    targets: { 'dictionary track': { admin: 422 } },
  },
  'POST /admin/dictionaries/:id/deactivation': {
    roles: ADMIN,
    targets: { 'dictionary track': { admin: 303 } },
    mutates: 6,
  },
  'POST /admin/dictionaries/:id/activation': {
    roles: ADMIN,
    targets: { 'dictionary track': { admin: 303 } },
    mutates: 7,
  },
  'GET /admin/work-calendar': { roles: ADMIN },
  'POST /admin/work-calendar/days': { roles: ADMIN, note: 'probe: no date, refused with the form' },
  'POST /admin/work-calendar/settings': {
    roles: ADMIN,
    note: 'probe: no numbers, refused with the form',
  },
  'GET /audit': { roles: ['auditor'] },
  'GET /audit/export': { roles: ['auditor'] },
};

// ---------------------------------------------------------------------------------------------
// Expansion into cells.

export interface Cell {
  route: string;
  target: string | undefined;
  subject: Subject;
  expected: Outcome;
}

function mayUse(spec: RouteSpec, subject: Subject): boolean {
  if (spec.roles === 'public') {
    return true;
  }
  const role = SUBJECT_PROFILES[subject].role;
  if (role === undefined) {
    return false;
  }
  return spec.roles === 'signed-in' || spec.roles.includes(role);
}

/** The expected outcome of one cell. */
export function expectedOutcome(
  route: string,
  spec: RouteSpec,
  target: string | undefined,
  subject: Subject,
): Outcome {
  const method = route.split(' ')[0];
  const explicit = spec.except?.[subject];
  if (explicit !== undefined) {
    return explicit;
  }
  if (subject === 'pending' && spec.roles !== 'public' && !spec.beforePasswordChange) {
    // Pages (and htmx requests) are sent to the password page; plain form posts refused.
    return method === 'GET' || spec.htmx ? 'step' : 403;
  }
  if (!mayUse(spec, subject)) {
    return subject === 'anonymous' ? 'login' : 403;
  }
  if (target !== undefined) {
    const targetSpec = spec.targets?.[target];
    if (!targetSpec) {
      throw new Error(`${route} has no target ${target}`);
    }
    return targetSpec[subject] ?? targetSpec.others ?? 404;
  }
  return spec.ok ?? (method === 'GET' ? 200 : 422);
}

export function cellsOf(route: string, spec: RouteSpec): Cell[] {
  const targets = spec.targets ? Object.keys(spec.targets) : [undefined];
  return targets.flatMap((target) =>
    SUBJECTS.map((subject) => ({
      route,
      target,
      subject,
      expected: expectedOutcome(route, spec, target, subject),
    })),
  );
}
