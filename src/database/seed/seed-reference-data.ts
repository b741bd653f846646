import type { EntityManager } from 'typeorm';
import {
  DEPARTMENT_UNITS,
  DICTIONARY_ITEMS,
  DISTRICT_UNITS,
  OFFICE_UNIT,
  type UnitSeed,
} from './reference-data.js';

/**
 * Loads the real reference data (units, dictionaries) into an empty database. Idempotent: rows
 * that exist (by code) are left as the admin edited them.
 */
export async function seedReferenceData(manager: EntityManager): Promise<void> {
  const units: UnitSeed[] = [OFFICE_UNIT, ...DISTRICT_UNITS, ...DEPARTMENT_UNITS];
  for (const [index, unit] of units.entries()) {
    await manager.query(
      `INSERT INTO units (code, name, kind, district_type, capabilities, sort_order)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (code) DO NOTHING`,
      [
        unit.code,
        unit.name,
        unit.kind,
        unit.districtType ?? null,
        unit.capabilities ?? [],
        index + 1,
      ],
    );
  }
  // Parents first, so that children can refer to them by code.
  const ordered = [...DICTIONARY_ITEMS].sort(
    (a, b) => Number(Boolean(a.parentCode)) - Number(Boolean(b.parentCode)),
  );
  for (const [index, item] of ordered.entries()) {
    const parentKind = item.kind === 'track' ? 'domain' : item.kind;
    await manager.query(
      `INSERT INTO dictionary_items (kind, code, label, description, parent_id, sort_order)
       VALUES ($1, $2, $3, $4, (SELECT id FROM dictionary_items WHERE kind = $5 AND code = $6), $7)
       ON CONFLICT (kind, code) DO NOTHING`,
      [
        item.kind,
        item.code,
        item.label,
        item.description ?? null,
        parentKind,
        item.parentCode ?? null,
        index + 1,
      ],
    );
  }
}
