import { base32Decode, base32Encode, matchTotp, otpauthUri, totpCode, totpStep } from './totp.js';

/** RFC 6238 appendix B, SHA-1 rows: the ASCII secret "12345678901234567890", 8 digits. */
const RFC_6238_SHA1: [number, string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];
const RFC_SECRET = Buffer.from('12345678901234567890', 'ascii');

describe('TOTP (RFC 6238)', () => {
  it.each(RFC_6238_SHA1)('should give the RFC 6238 SHA-1 code at T=%d', (seconds, expected) => {
    expect(totpCode(RFC_SECRET, totpStep(seconds * 1000), 8)).toBe(expected);
  });

  it('should give the last 6 digits of the RFC code by default', () => {
    expect(totpCode(RFC_SECRET, totpStep(59_000))).toBe('287082');
  });

  it('should round-trip base32 and read the RFC 4648 test vector', () => {
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
    expect(base32Decode('mzxw 6ytb oi======').toString()).toBe('foobar');
    expect(base32Decode(base32Encode(RFC_SECRET))).toEqual(RFC_SECRET);
    expect(() => base32Decode('MZ1W')).toThrow();
  });

  it('should accept a code one step either side, not two, and never a step already used', () => {
    const at = 1_700_000_000_000;
    const now = totpStep(at);
    for (const offset of [-1, 0, 1]) {
      expect(matchTotp(RFC_SECRET, totpCode(RFC_SECRET, now + offset), { atMillis: at })).toBe(
        now + offset,
      );
    }
    expect(matchTotp(RFC_SECRET, totpCode(RFC_SECRET, now - 2), { atMillis: at })).toBeUndefined();
    expect(matchTotp(RFC_SECRET, totpCode(RFC_SECRET, now + 2), { atMillis: at })).toBeUndefined();
    const code = totpCode(RFC_SECRET, now);
    expect(matchTotp(RFC_SECRET, code, { atMillis: at, lastUsedStep: now })).toBeUndefined();
    expect(
      matchTotp(RFC_SECRET, totpCode(RFC_SECRET, now - 1), { atMillis: at, lastUsedStep: now }),
    ).toBeUndefined();
    expect(matchTotp(RFC_SECRET, code, { atMillis: at, lastUsedStep: now - 1 })).toBe(now);
    expect(matchTotp(RFC_SECRET, '12345', { atMillis: at })).toBeUndefined();
    expect(matchTotp(RFC_SECRET, '12a456', { atMillis: at })).toBeUndefined();
  });

  it('should build the otpauth URI authenticator apps scan', () => {
    expect(otpauthUri('JBSWY3DPEHPK3PXP', '改革报表', '13800000000')).toBe(
      'otpauth://totp/%E6%94%B9%E9%9D%A9%E6%8A%A5%E8%A1%A8:13800000000?secret=JBSWY3DPEHPK3PXP' +
        '&issuer=%E6%94%B9%E9%9D%A9%E6%8A%A5%E8%A1%A8&algorithm=SHA1&digits=6&period=30',
    );
  });
});
