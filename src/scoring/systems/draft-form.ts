import { Fraction } from '../calculation/fraction.js';
import {
  catalogue,
  defaultMethod,
  hasNothingDueRule,
  methodKindsFor,
} from '../calculation/indicator-catalogue.js';
import {
  NOTHING_DUE_RULES,
  type DataWindow,
  type FirstLevelIndicator,
  type IndicatorSystemDefinition,
  type NothingDueRule,
  type ScoringMethod,
  type SecondLevelIndicator,
} from '../calculation/indicator-system.js';

export const WINDOW_LABELS: Record<DataWindow, string> = {
  cumulative: '累计（截至期末的全部数据）',
  year_to_date: '年初至期末',
  period: '本期',
  as_of: '期末状态',
};

export const METHOD_LABELS: Record<ScoringMethod['kind'], string> = {
  single_tier: '单档功效系数法',
  three_tier: '三档功效系数法',
  deduction: '扣分（有事法则）',
};

export interface DraftFormResult {
  definition: IndicatorSystemDefinition;
  /** Names of the indicators added or switched to another method: they start from default coefficients. */
  startedFromDefaults: string[];
}

const text = (body: Record<string, unknown>, key: string): string =>
  typeof body[key] === 'string' ? body[key].trim() : '';

const ticked = (body: Record<string, unknown>, key: string): boolean => text(body, key) !== '';

const isMethodKind = (value: string): value is ScoringMethod['kind'] =>
  Object.hasOwn(METHOD_LABELS, value);

const windowOr = (value: string, fallback: DataWindow): DataWindow =>
  Object.hasOwn(WINDOW_LABELS, value) ? (value as DataWindow) : fallback;

const isNothingDueRule = (value: string): value is NothingDueRule =>
  (NOTHING_DUE_RULES as readonly string[]).includes(value);

/**
 * The 0/0 rule of a rate row: the one chosen on the page, else the stored one, else the
 * catalogue's (a system stored before the rule existed scored 0/0 as full marks). Rows that are
 * not rates have none.
 */
function nothingDueOf(
  chosen: string,
  base: SecondLevelIndicator,
  measure: SecondLevelIndicator | undefined,
): { nothingDue?: NothingDueRule } {
  if (!(measure && hasNothingDueRule(measure)) && base.nothingDue === undefined) {
    return {};
  }
  return {
    nothingDue: isNothingDueRule(chosen) ? chosen : (base.nothingDue ?? measure?.nothingDue),
  };
}

/** The coefficients typed for a method of the kind the row already had. */
function typedMethod(kind: ScoringMethod['kind'], field: (name: string) => string): ScoringMethod {
  switch (kind) {
    case 'single_tier':
      return { kind, low: field('low'), high: field('high') };
    case 'three_tier':
      return { kind, s: field('s'), a: field('a'), b: field('b') };
    case 'deduction':
      return { kind, perEvent: field('perEvent') };
  }
}

/** More rows or levels than any catalogue holds can only be a forged post. */
const MAX_POSTED_CODES = 100;

/** The codes a repeated hidden field lists (`rows`, `levels`), once each; undefined when not posted. */
function postedCodes(body: Record<string, unknown>, key: string): string[] | undefined {
  const value = body[key];
  const list = Array.isArray(value) ? value : typeof value === 'string' ? [value] : undefined;
  return list
    ? [...new Set(list.filter((item): item is string => typeof item === 'string'))]
        .map((code) => code.trim())
        .filter((code) => code !== '')
        .slice(0, MAX_POSTED_CODES)
    : undefined;
}

/**
 * A draft's posted form applied to its definition, as one save: names, points, coefficients,
 * windows and first levels of the rows; rows and first levels ticked 删除 dropped; a first level
 * and a catalogue measure added from the 添加 fields. What the office typed is kept even when it
 * is wrong (the service validates and the page shows it back); only a switch of method or a new
 * indicator takes default coefficients, since there is nothing typed for them yet.
 *
 * The page lists its rows and levels in hidden `rows` and `levels` fields, so a row added in a
 * save that was refused (shown back, not stored) is part of the next save; without them (an older
 * page) the stored definition's rows are the ones edited.
 */
export function applyDraftForm(
  definition: IndicatorSystemDefinition,
  body: Record<string, unknown>,
): DraftFormResult {
  const startedFromDefaults: string[] = [];
  const measures = new Map(catalogue(definition.kind).map((measure) => [measure.code, measure]));
  const stored = new Map(definition.indicators.map((indicator) => [indicator.code, indicator]));

  const levelCodes =
    postedCodes(body, 'levels') ?? definition.firstLevels.map((level) => level.code);
  const firstLevels: FirstLevelIndicator[] = levelCodes
    .filter((code) => !ticked(body, `fl-${code}-remove`))
    .map((code) => ({ code, name: text(body, `fl-${code}-name`) }));
  const newLevelCode = text(body, 'addfl-code');
  if (newLevelCode !== '') {
    firstLevels.push({ code: newLevelCode, name: text(body, 'addfl-name') });
  }

  const rowCodes = postedCodes(body, 'rows') ?? [...stored.keys()];
  const indicators: SecondLevelIndicator[] = rowCodes
    .filter((code) => !ticked(body, `ind-${code}-remove`))
    .map((code) => {
      const field = (name: string) => text(body, `ind-${code}-${name}`);
      const measure = measures.get(code);
      const base: SecondLevelIndicator = stored.get(code) ??
        measure ?? {
          code,
          name: '',
          firstLevel: '',
          points: '',
          method: { kind: 'single_tier', low: '', high: '' },
          window: 'period',
        };
      const allowed = measure ? methodKindsFor(measure) : [base.method.kind];
      // The method whose coefficient fields the page showed for this row.
      const shown = field('kind');
      const shownKind = isMethodKind(shown) && allowed.includes(shown) ? shown : base.method.kind;
      const chosen = field('method');
      const switched = isMethodKind(chosen) && chosen !== shownKind && allowed.includes(chosen);
      const name = field('name');
      if (switched) {
        startedFromDefaults.push(name || base.name);
      }
      return {
        ...base,
        name,
        firstLevel: field('firstLevel') || base.firstLevel,
        points: shownKind === 'deduction' ? '0' : field('points'),
        method:
          switched && measure ? defaultMethod(chosen, measure) : typedMethod(shownKind, field),
        window: windowOr(field('window'), base.window),
        ...nothingDueOf(field('nothingDue'), base, measure),
      };
    });

  const addedCode = text(body, 'add-code');
  if (addedCode !== '') {
    const measure = measures.get(addedCode);
    const chosen = text(body, 'add-method');
    const kind =
      measure && isMethodKind(chosen) && methodKindsFor(measure).includes(chosen)
        ? chosen
        : (measure?.method.kind ?? 'single_tier');
    const name = text(body, 'add-name') || measure?.name || addedCode;
    const added: SecondLevelIndicator = {
      code: addedCode,
      name,
      firstLevel: text(body, 'add-firstLevel'),
      points: kind === 'deduction' ? '0' : text(body, 'add-points'),
      method: measure ? defaultMethod(kind, measure) : typedMethod(kind, () => ''),
      window: windowOr(text(body, 'add-window'), measure?.window ?? 'period'),
      ...(measure?.group === undefined ? {} : { group: measure.group }),
      ...(measure?.nothingDue === undefined ? {} : { nothingDue: measure.nothingDue }),
    };
    indicators.push(added);
    startedFromDefaults.push(name);
  }

  return {
    definition: {
      ...definition,
      name: text(body, 'name') || definition.name,
      firstLevels,
      indicators,
    },
    startedFromDefaults,
  };
}

/** The points of the scored indicators added up exactly, for the editor's 合计 line; undefined while one is not a number. */
export function scoredPointsTotal(definition: IndicatorSystemDefinition): Fraction | undefined {
  const points = definition.indicators
    .filter((indicator) => indicator.method.kind !== 'deduction')
    .map((indicator) => Fraction.tryParse(indicator.points));
  return points.every((value) => value !== null) ? Fraction.sum(points) : undefined;
}

/**
 * Rows under their first level; rows whose first level is gone (removed in a refused save) come
 * last under their own heading, so nothing typed disappears from the page.
 */
export function indicatorGroups(definition: IndicatorSystemDefinition) {
  const groups = definition.firstLevels.map((level) => ({
    ...level,
    orphaned: false,
    indicators: definition.indicators.filter((indicator) => indicator.firstLevel === level.code),
  }));
  const orphans = definition.indicators.filter(
    (indicator) => !definition.firstLevels.some((level) => level.code === indicator.firstLevel),
  );
  return orphans.length === 0
    ? groups
    : [...groups, { code: '', name: '所属一级指标不存在', orphaned: true, indicators: orphans }];
}
