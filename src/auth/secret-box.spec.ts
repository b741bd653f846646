import { randomBytes } from 'node:crypto';
import { SecretBox } from './secret-box.js';

describe('SecretBox (AES-256-GCM)', () => {
  const sut = new SecretBox(randomBytes(32));

  it('should open what it sealed, and never store the plaintext', () => {
    const secret = Buffer.from('12345678901234567890');
    const sealed = sut.seal(secret, 'user-1');
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain(secret.toString('base64url'));
    expect(sut.open(sealed, 'user-1')).toEqual(secret);
    expect(sut.seal(secret, 'user-1')).not.toBe(sealed);
  });

  it('should refuse another context, another key and an altered value', () => {
    const sealed = sut.seal(Buffer.from('secret'), 'user-1');
    expect(() => sut.open(sealed, 'user-2')).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'user-1')).toThrow();
    const parts = sealed.split('.');
    parts[3] = Buffer.from('sEcret').toString('base64url');
    expect(() => sut.open(parts.join('.'), 'user-1')).toThrow();
  });
});
