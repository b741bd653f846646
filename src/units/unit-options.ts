import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface UnitOption {
  id: number;
  name: string;
  kind: 'office' | 'department' | 'district';
}

/** How long the list is reused: units change a few times a year, through the admin pages. */
const TTL_MS = 60_000;

/**
 * The active units in display order, for filter drop-downs on hot pages (inbox, ledgers): read
 * once a minute instead of on every request. The admin pages call `invalidate` after a change;
 * other instances see it within the minute.
 */
@Injectable()
export class UnitOptions {
  private cached: { at: number; units: Promise<UnitOption[]> } | undefined;

  constructor(private readonly dataSource: DataSource) {}

  async active(): Promise<UnitOption[]> {
    if (!this.cached || Date.now() - this.cached.at > TTL_MS) {
      const units = this.dataSource.query<UnitOption[]>(
        `SELECT id, name, kind FROM units WHERE active ORDER BY sort_order, id`,
      );
      this.cached = { at: Date.now(), units };
      units.catch(() => {
        this.cached = undefined;
      });
    }
    return this.cached.units;
  }

  /** Active units other than the office (the filing units). */
  async filing(): Promise<UnitOption[]> {
    return (await this.active()).filter((unit) => unit.kind !== 'office');
  }

  invalidate(): void {
    this.cached = undefined;
  }
}
