import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { streamLedgerExcel, type ExcelColumn, type LedgerPageReader } from './excel-export.js';

/** Ledger downloads for controllers: the ledger's pages from one database snapshot, as .xlsx. */
@Injectable()
export class LedgerExports {
  constructor(private readonly dataSource: DataSource) {}

  stream<T>(
    reply: FastifyReply,
    ledger: { label: string; today: string; columns: ExcelColumn<T>[] },
    readPage: LedgerPageReader<T>,
  ): Promise<void> {
    return streamLedgerExcel(reply, this.dataSource, ledger, readPage);
  }
}
