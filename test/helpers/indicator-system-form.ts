import type { IndicatorSystemDefinition } from '../../src/scoring/calculation/indicator-system.js';

/**
 * The fields a draft's page posts for a definition left as it is: the name, each first level's
 * name, and each row's name, points, window, first level, method and coefficients. Without the
 * hidden `rows`/`levels` lists, which the callers add when they test them.
 */
export function draftFormOf(definition: IndicatorSystemDefinition): Record<string, string> {
  const body: Record<string, string> = { name: definition.name };
  for (const level of definition.firstLevels) {
    body[`fl-${level.code}-name`] = level.name;
  }
  for (const indicator of definition.indicators) {
    const field = (name: string) => `ind-${indicator.code}-${name}`;
    body[field('name')] = indicator.name;
    body[field('points')] = indicator.points;
    body[field('window')] = indicator.window;
    body[field('firstLevel')] = indicator.firstLevel;
    body[field('method')] = indicator.method.kind;
    for (const [key, value] of Object.entries(indicator.method)) {
      if (key !== 'kind') {
        body[field(key)] = value;
      }
    }
  }
  return body;
}
