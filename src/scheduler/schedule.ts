/**
 * When a job runs: daily at a China wall-clock time, or every N minutes. Pure; the next run is
 * always computed from the moment a run happens, so a scheduler that was down for days runs a
 * missed job once when it comes back, not once per missed tick.
 */
export type Schedule = { kind: 'daily'; at: string } | { kind: 'every'; minutes: number };

const CST_OFFSET_MS = 8 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

/** Daily at HH:MM China time, e.g. daily('08:00'). */
export function daily(at: string): Schedule {
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(at)) {
    throw new Error(`Not a time of day (HH:MM): ${at}`);
  }
  return { kind: 'daily', at };
}

export function every(minutes: number): Schedule {
  if (!Number.isInteger(minutes) || minutes < 1) {
    throw new Error(`Not a number of minutes: ${minutes}`);
  }
  return { kind: 'every', minutes };
}

/** The first run strictly after `after`. */
export function nextRun(schedule: Schedule, after: Date): Date {
  switch (schedule.kind) {
    case 'every':
      return new Date(after.getTime() + schedule.minutes * 60_000);
    case 'daily': {
      const [hours, minutes] = schedule.at.split(':').map(Number);
      const local = after.getTime() + CST_OFFSET_MS;
      const dayStart = Math.floor(local / DAY_MS) * DAY_MS;
      let candidate = dayStart + (hours * 60 + minutes) * 60_000;
      if (candidate <= local) {
        candidate += DAY_MS;
      }
      return new Date(candidate - CST_OFFSET_MS);
    }
  }
}

export function describeSchedule(schedule: Schedule): string {
  switch (schedule.kind) {
    case 'daily':
      return `每天 ${schedule.at}（北京时间）`;
    case 'every':
      return `每 ${schedule.minutes} 分钟`;
  }
}
