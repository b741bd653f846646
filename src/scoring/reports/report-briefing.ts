/**
 * 简报: what a generated report says in two pages — the ranking, the 五色图 and the main changes
 * against the previous period's report. Pure: the service gathers the rows, the Word and print
 * renderers draw the result.
 */

/** A band as pages draw it (ranking-view.ts bandView). */
export interface BriefingBand {
  /** 0 … 4, or 'none' when every total is equal (不分档). */
  index: number | 'none';
  name: string;
  color: string;
  colorName: string;
  numeral: string;
  ink: 'dark' | 'light';
}

export interface BriefingSubject {
  /** Unit id or project id: how a subject is found again in the previous report. */
  key: string;
  name: string;
  rank: number;
  /** To 2 decimals, as the ranking shows it. */
  total: string;
  band: BriefingBand;
}

/** What heads a briefing: the report's title, kind, period, subjects, dates and system. */
export interface BriefingHeading {
  title: string;
  kindLabel: string;
  periodLabel: string;
  subjectLabel: string;
  generatedAt: string;
  asOf: string;
  systemLabel: string;
}

export interface BriefingInput extends BriefingHeading {
  bands: BriefingBand[];
  subjects: BriefingSubject[];
  previous?: { periodLabel: string; ranks: ReadonlyMap<string, number> };
}

export interface BriefingRow extends BriefingSubject {
  previousRank: number | null;
  /** Places gained since the previous report (positive: up), null when it was not ranked then. */
  change: number | null;
  /** 较上期 as a cell reads: ↑3, ↓2, 持平, 新列入, or — without a previous report. */
  changeLabel: string;
}

export interface Briefing extends BriefingHeading {
  rows: BriefingRow[];
  /** The 五色图: each band with its subjects in rank order. */
  bands: (BriefingBand & { subjects: BriefingRow[] })[];
  changes: {
    previousPeriodLabel: string | null;
    up: BriefingRow[];
    down: BriefingRow[];
    /**
     * The largest moves (up to 10 each way), in this period's rank order: the changes table. Every
     * subject's change is also in the ranking's 较上期 column.
     */
    moved: BriefingRow[];
    unchanged: number;
    added: BriefingRow[];
    /** One sentence for the top of the briefing. */
    summary: string;
  };
}

/** How many of the largest moves each way the briefing names in its summary. */
const NAMED_MOVES = 5;
/** How many of the largest moves each way its changes table lists. */
const TABLED_MOVES = 10;

function changeLabel(change: number | null, hasPrevious: boolean): string {
  if (!hasPrevious) {
    return '—';
  }
  if (change === null) {
    return '新列入';
  }
  if (change === 0) {
    return '持平';
  }
  return change > 0 ? `↑${change}` : `↓${-change}`;
}

const byMove = (a: BriefingRow, b: BriefingRow) =>
  Math.abs(b.change ?? 0) - Math.abs(a.change ?? 0) || a.rank - b.rank;

function moves(rows: BriefingRow[], verb: string): string {
  return rows
    .slice(0, NAMED_MOVES)
    .map(
      (row) =>
        `${row.name}（第${row.previousRank}→第${row.rank}名，${verb}${Math.abs(row.change!)}位）`,
    )
    .join('、');
}

export function buildBriefing(input: BriefingInput): Briefing {
  const hasPrevious = input.previous !== undefined;
  const rows: BriefingRow[] = [...input.subjects]
    .sort((a, b) => a.rank - b.rank || a.name.localeCompare(b.name, 'zh-CN'))
    .map((subject) => {
      const previousRank = input.previous?.ranks.get(subject.key) ?? null;
      const change = previousRank === null ? null : previousRank - subject.rank;
      return { ...subject, previousRank, change, changeLabel: changeLabel(change, hasPrevious) };
    });
  const up = rows.filter((row) => (row.change ?? 0) > 0).sort(byMove);
  const down = rows.filter((row) => (row.change ?? 0) < 0).sort(byMove);
  const unchanged = rows.filter((row) => row.change === 0).length;
  const added = hasPrevious ? rows.filter((row) => row.change === null) : [];

  let summary: string;
  if (!input.previous) {
    summary = `本期为首次生成的${input.kindLabel}报表，暂无上期排名可比。`;
  } else {
    const parts = [
      `与${input.previous.periodLabel}相比，${up.length} 个${input.subjectLabel}排名上升，${down.length} 个下降，${unchanged} 个持平`,
    ];
    if (added.length > 0) {
      parts.push(`${added.length} 个为新列入`);
    }
    summary = `${parts.join('，')}。`;
    if (up.length > 0) {
      summary += `上升较多的：${moves(up, '上升')}。`;
    }
    if (down.length > 0) {
      summary += `下降较多的：${moves(down, '下降')}。`;
    }
  }

  return {
    title: input.title,
    kindLabel: input.kindLabel,
    periodLabel: input.periodLabel,
    subjectLabel: input.subjectLabel,
    generatedAt: input.generatedAt,
    asOf: input.asOf,
    systemLabel: input.systemLabel,
    rows,
    bands: input.bands.map((band) => ({
      ...band,
      subjects: rows.filter((row) => row.band.index === band.index),
    })),
    changes: {
      previousPeriodLabel: input.previous?.periodLabel ?? null,
      up,
      down,
      moved: [...up.slice(0, TABLED_MOVES), ...down.slice(0, TABLED_MOVES)].sort(
        (a, b) => a.rank - b.rank,
      ),
      unchanged,
      added,
      summary,
    },
  };
}
