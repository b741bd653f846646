import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP) as every authenticator app reads
 * them: HMAC-SHA-1, 6 digits, 30-second steps. Pure functions; the service stores the steps used.
 */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Steps accepted either side of the current one (clock drift of the phone). */
export const TOTP_WINDOW = 1;

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding, the form authenticator apps expect for secrets. */
export function base32Encode(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let output = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      output += BASE32_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) {
    output += BASE32_ALPHABET[(value << (5 - bits)) & 31];
  }
  return output;
}

/** Reads base32 leniently (lower case, spaces, padding); throws on other characters. */
export function base32Decode(text: string): Buffer {
  const clean = text.toUpperCase().replace(/[\s=-]/g, '');
  let bits = 0;
  let value = 0;
  const bytes: number[] = [];
  for (const char of clean) {
    const index = BASE32_ALPHABET.indexOf(char);
    if (index < 0) {
      throw new Error('Not a base32 string');
    }
    value = ((value << 5) | index) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}

/** A new secret: 160 random bits, the HMAC-SHA-1 key size RFC 4226 recommends. */
export function newTotpSecret(): Buffer {
  return randomBytes(20);
}

/** The time step a moment falls in (Unix seconds / 30). */
export function totpStep(atMillis: number = Date.now()): number {
  return Math.floor(atMillis / 1000 / TOTP_PERIOD_SECONDS);
}

/** RFC 4226 HOTP of one counter value (the TOTP step), zero-padded to `digits`. */
export function totpCode(secret: Buffer, step: number, digits: number = TOTP_DIGITS): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', secret).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/**
 * The step a code belongs to, within ±TOTP_WINDOW of now and after `lastUsedStep` (a code, or an
 * older one, is never accepted twice); undefined when it matches none.
 */
export function matchTotp(
  secret: Buffer,
  code: string,
  options: { atMillis?: number; lastUsedStep?: number | null } = {},
): number | undefined {
  if (!new RegExp(`^\\d{${TOTP_DIGITS}}$`).test(code)) {
    return undefined;
  }
  const now = totpStep(options.atMillis);
  const given = Buffer.from(code);
  let matched: number | undefined;
  // Every candidate is compared (no early exit) so timing does not tell which step matched.
  for (let step = now - TOTP_WINDOW; step <= now + TOTP_WINDOW; step += 1) {
    if (timingSafeEqual(Buffer.from(totpCode(secret, step)), given) && matched === undefined) {
      matched = step;
    }
  }
  if (matched === undefined) {
    return undefined;
  }
  const lastUsed = options.lastUsedStep;
  return lastUsed !== null && lastUsed !== undefined && matched <= lastUsed ? undefined : matched;
}

/** The otpauth:// URI of the Key Uri Format that authenticator apps scan from the QR code. */
export function otpauthUri(secretBase32: string, issuer: string, account: string): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const params = new URLSearchParams({
    secret: secretBase32,
    issuer,
    algorithm: 'SHA1',
    digits: String(TOTP_DIGITS),
    period: String(TOTP_PERIOD_SECONDS),
  });
  return `otpauth://totp/${label}?${params.toString().replace(/\+/g, '%20')}`;
}
