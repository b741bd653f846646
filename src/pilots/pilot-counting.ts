/** The 19th Party Congress: pilots deployed from this day on are counted (seed 000 四(二)1). */
export const COUNTING_START = '2017-10-18';

export interface PilotCountFacts {
  /** Confirmed and distributed by the competent department (the chain is approved). */
  confirmed: boolean;
  /** Run in every district of the city: never counted. */
  citywide: boolean;
  /** YYYY-MM-DD. */
  deployedOn: string;
  /** The pilot is no longer in progress. */
  finished: boolean;
}

/**
 * Whether a pilot counts for its involved districts: confirmed; not city-wide; deployed on or
 * after 2017-10-18, or earlier and still in progress.
 */
export function isCountedPilot(facts: PilotCountFacts): boolean {
  if (!facts.confirmed || facts.citywide) {
    return false;
  }
  return facts.deployedOn >= COUNTING_START || !facts.finished;
}

export interface AcceptanceFacts {
  /** 应验收时间, YYYY-MM-DD. */
  acceptanceDue: string;
  /** The date the district passed acceptance, if it did. */
  acceptedOn: string | null;
}

/**
 * 试点按时通过验收率 for one district at a report date: pilots accepted on or before their due
 * date, among those due by the report date. A district with none due counts as 100% (DESIGN §4).
 */
export function onTimeAcceptance(
  pilots: readonly AcceptanceFacts[],
  reportDate: string,
): { due: number; onTime: number; rate: number } {
  const due = pilots.filter((pilot) => pilot.acceptanceDue <= reportDate);
  const onTime = due.filter(
    (pilot) =>
      pilot.acceptedOn !== null &&
      pilot.acceptedOn <= pilot.acceptanceDue &&
      pilot.acceptedOn <= reportDate,
  );
  return {
    due: due.length,
    onTime: onTime.length,
    rate: due.length === 0 ? 1 : onTime.length / due.length,
  };
}
