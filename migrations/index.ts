import { Foundation1763870400000 } from './1763870400000-foundation.js';
import { Workflow1763870500000 } from './1763870500000-workflow.js';
import { DemandsAndAssignments1763870600000 } from './1763870600000-demands-and-assignments.js';
import { Pilots1763870700000 } from './1763870700000-pilots.js';
import { Showcase1763870800000 } from './1763870800000-showcase.js';
import { Risk1763870900000 } from './1763870900000-risk.js';
import { Satisfaction1763871000000 } from './1763871000000-satisfaction.js';
import { MajorProjects1763871100000 } from './1763871100000-major-projects.js';
import { ProjectSatisfactionSurveys1763871200000 } from './1763871200000-project-satisfaction-surveys.js';
import { Scoring1763871300000 } from './1763871300000-scoring.js';
import { AuthenticationFactors1763871400000 } from './1763871400000-authentication-factors.js';
import { LedgerOrderIndexes1763871500000 } from './1763871500000-ledger-order-indexes.js';
import { AuditChain1763871600000 } from './1763871600000-audit-chain.js';
import { ReportEvidenceStorage1763871700000 } from './1763871700000-report-evidence-storage.js';
import { InitialSystemNote1763871800000 } from './1763871800000-initial-system-note.js';
import { FormSubmissions1763871900000 } from './1763871900000-form-submissions.js';
import { AuditIntegrity1764200000000 } from './1764200000000-audit-integrity.js';
import { ReportingCycle1764300000000 } from './1764300000000-reporting-cycle.js';
import { ReportNothingDue1764400000000 } from './1764400000000-report-nothing-due.js';
import { CumulativeMonthlyTargets1764400100000 } from './1764400100000-cumulative-monthly-targets.js';
import { BandPalette1764800000000 } from './1764800000000-band-palette.js';
import { Meetings1764900000000 } from './1764900000000-meetings.js';
import { News1764900500000 } from './1764900500000-news.js';
import { RecordSearch1765000500000 } from './1765000500000-record-search.js';
import { RecordSearchTable1765100000000 } from './1765100000000-record-search-table.js';
import { DistrictReportEvidence1765200000000 } from './1765200000000-district-report-evidence.js';
import { HighlightsByDay1765200000001 } from './1765200000001-highlights-by-day.js';
import { ReportEvidenceRefs1765300000000 } from './1765300000000-report-evidence-refs.js';

/** Every migration, in order. Listed explicitly so the app, the CLI and the tests run the same set. */
export const MIGRATIONS = [
  Foundation1763870400000,
  Workflow1763870500000,
  DemandsAndAssignments1763870600000,
  Pilots1763870700000,
  Showcase1763870800000,
  Risk1763870900000,
  Satisfaction1763871000000,
  MajorProjects1763871100000,
  ProjectSatisfactionSurveys1763871200000,
  Scoring1763871300000,
  AuthenticationFactors1763871400000,
  LedgerOrderIndexes1763871500000,
  AuditChain1763871600000,
  ReportEvidenceStorage1763871700000,
  InitialSystemNote1763871800000,
  FormSubmissions1763871900000,
  AuditIntegrity1764200000000,
  ReportingCycle1764300000000,
  ReportNothingDue1764400000000,
  CumulativeMonthlyTargets1764400100000,
  BandPalette1764800000000,
  Meetings1764900000000,
  News1764900500000,
  RecordSearch1765000500000,
  RecordSearchTable1765100000000,
  DistrictReportEvidence1765200000000,
  HighlightsByDay1765200000001,
  ReportEvidenceRefs1765300000000,
];
