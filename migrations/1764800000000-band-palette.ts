import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The default band colours before and after the lightness steps (frozen here, not imported). */
const OLD = ['#d7191c', '#fdae61', '#ffd84d', '#1a9641', '#2c7bb6'];
const NEW = ['#9c1c24', '#d35c17', '#e0b406', '#a5d4a5', '#d0e0f1'];

interface BandSettings {
  mode: string;
  bands: { name: string; color: string; minScore?: string }[];
}

function recolour(config: BandSettings, from: string[], to: string[]): BandSettings {
  return {
    ...config,
    bands: config.bands.map((band) => {
      const index = from.indexOf(band.color.toLowerCase());
      return index >= 0 ? { ...band, color: to[index] } : band;
    }),
  };
}

/**
 * The default palette now steps its lightness (红 dark to 蓝 light) so red-green colour-blind
 * readers tell the bands apart: saved band settings still on an old default colour take the new
 * colour of the same name; colours the office chose stay. Generated reports are frozen and keep
 * their settings; pages draw an old default colour in its new shade (bands.ts displayColor).
 */
export class BandPalette1764800000000 implements MigrationInterface {
  name = 'BandPalette1764800000000';

  async up(db: QueryRunner): Promise<void> {
    await this.rewrite(db, OLD, NEW);
  }

  async down(db: QueryRunner): Promise<void> {
    await this.rewrite(db, NEW, OLD);
  }

  private async rewrite(db: QueryRunner, from: string[], to: string[]): Promise<void> {
    const rows = (await db.query(`SELECT kind, config FROM band_settings`)) as {
      kind: string;
      config: BandSettings;
    }[];
    for (const row of rows) {
      await db.query(`UPDATE band_settings SET config = $2::jsonb WHERE kind = $1`, [
        row.kind,
        JSON.stringify(recolour(row.config, from, to)),
      ]);
    }
  }
}
