import { createHmac } from 'node:crypto';

/**
 * The tests' own TOTP (RFC 6238: HMAC-SHA-1, 30-second steps), written apart from the app's so
 * that a mistake in one does not hide in the other. Reads the base32 secret the enrolment page shows.
 */
export function totpFor(secretBase32: string, atMillis: number = Date.now(), digits = 6): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const char of secretBase32.replace(/\s/g, '').toUpperCase()) {
    bits += alphabet.indexOf(char).toString(2).padStart(5, '0');
  }
  const key = Buffer.from((bits.match(/.{8}/g) ?? []).map((byte) => parseInt(byte, 2)));
  return hotp(key, Math.floor(atMillis / 30_000), digits);
}

export function hotp(key: Buffer, counter: number, digits = 6): string {
  const message = Buffer.alloc(8);
  message.writeUInt32BE(Math.floor(counter / 2 ** 32), 0);
  message.writeUInt32BE(counter % 2 ** 32, 4);
  const mac = createHmac('sha1', key).update(message).digest();
  const offset = mac[19] & 0xf;
  const value =
    ((mac[offset] & 0x7f) << 24) |
    (mac[offset + 1] << 16) |
    (mac[offset + 2] << 8) |
    mac[offset + 3];
  return String(value % 10 ** digits).padStart(digits, '0');
}
