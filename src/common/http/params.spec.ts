import { BadRequestException, NotFoundException } from '@nestjs/common';
import {
  INT4_MAX,
  lenientId,
  optionalId,
  optionalUuid,
  RecordIdPipe,
  RecordIndexPipe,
  RecordUuidPipe,
} from './params.js';

const HOSTILE = [
  '99999999999999999999',
  '1e309',
  '-1',
  '0',
  'abc',
  '1.5',
  '\u0000',
  '１２３',
  '0x10',
];

describe('params: the shared parser of ids and numbers', () => {
  it('should take an int4 id and refuse anything else with a Chinese 400 naming the parameter', () => {
    expect(optionalId('42', 'unit')).toBe(42);
    expect(optionalId(String(INT4_MAX), 'unit')).toBe(INT4_MAX);
    expect(optionalId(['7', '8'], 'unit')).toBe(7);
    expect(optionalId('', 'unit')).toBeUndefined();
    for (const value of [...HOSTILE, String(INT4_MAX + 1), 'x'.repeat(5000)]) {
      expect(() => optionalId(value, 'unit')).toThrow(BadRequestException);
      expect(() => optionalId(value, 'unit')).toThrow(/参数「unit」/);
    }
  });

  it('should answer 404 for a malformed path id, int or uuid', () => {
    expect(new RecordIdPipe().transform('12')).toBe(12);
    expect(new RecordIndexPipe().transform('0')).toBe(0);
    const uuid = '0B7D0B52-3F4C-4B8E-9A55-2F1C0D1E2A3B';
    expect(new RecordUuidPipe().transform(uuid)).toBe(uuid.toLowerCase());
    for (const value of HOSTILE) {
      expect(() => new RecordIdPipe().transform(value)).toThrow(NotFoundException);
      expect(() => new RecordUuidPipe().transform(value)).toThrow(NotFoundException);
      if (value !== '0') {
        expect(() => new RecordIndexPipe().transform(value)).toThrow(NotFoundException);
      }
    }
  });

  it('should read a typed id leniently when a form is shown again', () => {
    expect(lenientId('5')).toBe(5);
    for (const value of HOSTILE) {
      expect(lenientId(value)).toBeUndefined();
    }
    expect(() => optionalUuid('not-a-uuid', 'project')).toThrow(BadRequestException);
  });
});
