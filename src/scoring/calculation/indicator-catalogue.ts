import { DEFAULT_SYSTEMS } from './default-systems.js';
import type {
  IndicatorSystemDefinition,
  NothingDueRule,
  ScoringMethod,
  SecondLevelIndicator,
} from './indicator-system.js';

/**
 * What the report engine can gather for a kind of system: the measures of its default system
 * (the district engine counts pilots, highlights, satisfaction scores and risk events; the project
 * engine reads the battle-map statistics). A version may drop any of them and take them back, give
 * them other names, points and windows, or score a counted measure with the other tier method;
 * it cannot invent a code the engine has no data for.
 */
export function catalogue(
  kind: IndicatorSystemDefinition['kind'],
): readonly SecondLevelIndicator[] {
  return DEFAULT_SYSTEMS[kind].indicators;
}

/** The measures of the catalogue a definition does not score yet, in catalogue order. */
export function addableMeasures(definition: IndicatorSystemDefinition): SecondLevelIndicator[] {
  const present = new Set(definition.indicators.map((indicator) => indicator.code));
  return catalogue(definition.kind).filter((measure) => !present.has(measure.code));
}

/** Whether a measure is a rate that can have nothing due (0/0), so the system sets its 0/0 rule. */
export function hasNothingDueRule(measure: SecondLevelIndicator): boolean {
  return measure.nothingDue !== undefined;
}

/**
 * The 0/0 rule an indicator of a definition scores by: its own, or 按满分计 for a rate of a system
 * stored before the rule existed (how scoreUnits reads it); undefined for indicators that are not
 * rates of the catalogue.
 */
export function nothingDueRuleOf(
  kind: IndicatorSystemDefinition['kind'],
  indicator: SecondLevelIndicator,
): NothingDueRule | undefined {
  if (indicator.nothingDue !== undefined) {
    return indicator.nothingDue;
  }
  const measure = catalogue(kind).find((candidate) => candidate.code === indicator.code);
  return measure && hasNothingDueRule(measure) ? 'full' : undefined;
}

/** The methods a measure may be scored with: a count or rate by either tier method; an event level only by deduction. */
export function methodKindsFor(measure: SecondLevelIndicator): ScoringMethod['kind'][] {
  return measure.method.kind === 'deduction' ? ['deduction'] : ['single_tier', 'three_tier'];
}

/** The coefficients a method starts with when the office switches to it (DESIGN §4 defaults). */
export function defaultMethod(
  kind: ScoringMethod['kind'],
  measure: SecondLevelIndicator,
): ScoringMethod {
  if (measure.method.kind === kind) {
    return measure.method;
  }
  switch (kind) {
    case 'single_tier':
      return { kind, low: '0.8', high: '1.0' };
    case 'three_tier':
      return { kind, s: '1.0', a: '0.9', b: '0.8' };
    case 'deduction':
      return { kind, perEvent: '1' };
  }
}

/**
 * Why a definition cannot be gathered by the engine (Chinese), beside validateSystem's problems:
 * a code outside the catalogue, or a method the measure cannot take.
 */
export function catalogueProblems(definition: IndicatorSystemDefinition): string[] {
  const measures = new Map(catalogue(definition.kind).map((measure) => [measure.code, measure]));
  return definition.indicators.flatMap((indicator) => {
    const measure = measures.get(indicator.code);
    if (!measure) {
      return [`二级指标“${indicator.code}”没有数据来源（可选的指标见“添加二级指标”）`];
    }
    return methodKindsFor(measure).includes(indicator.method.kind)
      ? []
      : [
          measure.method.kind === 'deduction'
            ? `二级指标“${indicator.name}”是风险事件扣分项，只能按每起扣分计`
            : `二级指标“${indicator.name}”是计数或比率，只能用单档或三档功效系数法`,
        ];
  });
}

/** Why a definition cannot be put in force yet: a first-level indicator with nothing under it. */
export function activationProblems(definition: IndicatorSystemDefinition): string[] {
  return definition.firstLevels
    .filter((level) => !definition.indicators.some((i) => i.firstLevel === level.code))
    .map((level) => `一级指标“${level.name}”下没有二级指标，请添加二级指标或删除该一级指标`);
}
