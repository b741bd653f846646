import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import {
  streamLedgerExcel,
  type ExcelFilter,
  type ExcelLedger,
  type LedgerPageReader,
} from './excel-export.js';
import { dictionaryLabels, unitNames } from './export-filters.queries.js';

/** A filter as a controller has it: a unit id, a dictionary item id or a label already known. */
export type LedgerFilterSpec =
  | { label: string; unitId: number | undefined }
  | { label: string; dictionaryId: number | undefined }
  | { label: string; value: string | undefined | null };

/** Ledger downloads for controllers: the ledger's pages from one database snapshot, as .xlsx. */
@Injectable()
export class LedgerExports {
  constructor(private readonly dataSource: DataSource) {}

  stream<T>(
    reply: FastifyReply,
    ledger: ExcelLedger<T>,
    readPage: LedgerPageReader<T>,
  ): Promise<void> {
    return streamLedgerExcel(reply, this.dataSource, ledger, readPage);
  }

  /**
   * The filters for the file's title block with labels instead of ids (单位：万州区), in the order
   * given; unset filters are left out. Two small reads at most (units, dictionary items).
   */
  async filters(specs: LedgerFilterSpec[]): Promise<ExcelFilter[]> {
    const unitIds = specs.flatMap((spec) =>
      'unitId' in spec && spec.unitId !== undefined ? [spec.unitId] : [],
    );
    const itemIds = specs.flatMap((spec) =>
      'dictionaryId' in spec && spec.dictionaryId !== undefined ? [spec.dictionaryId] : [],
    );
    const [units, items] = await Promise.all([
      unitNames(this.dataSource, unitIds),
      dictionaryLabels(this.dataSource, itemIds),
    ]);
    return specs.map((spec) => {
      if ('unitId' in spec) {
        return {
          label: spec.label,
          value: spec.unitId === undefined ? undefined : units.get(spec.unitId),
        };
      }
      if ('dictionaryId' in spec) {
        return {
          label: spec.label,
          value: spec.dictionaryId === undefined ? undefined : items.get(spec.dictionaryId),
        };
      }
      return { label: spec.label, value: spec.value };
    });
  }
}
