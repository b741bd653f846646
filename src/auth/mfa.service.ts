import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import QRCode from 'qrcode';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { FormInvalidException } from '../common/forms/form-validation.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { returningRows } from '../database/sql.js';
import type { AuthUser } from './auth-context.js';
import type { AuditActor } from './login.service.js';
import { mfaMandatoryFor } from './mfa-policy.js';
import { RateLimiter } from './rate-limiter.js';
import { SecretBox } from './secret-box.js';
import { base32Encode, matchTotp, newTotpSecret, otpauthUri } from './totp.js';

export const RECOVERY_CODE_COUNT = 10;
/** Recovery codes: 10 characters of 32 unambiguous ones (50 bits, no I, O, 0, 1), shown as XXXXX-XXXXX. */
const RECOVERY_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const RECOVERY_LENGTH = 10;

export const WRONG_CODE_MESSAGE = '验证码不正确或已使用过，请输入身份验证器上的最新验证码';
/** Codes typed on the account page (confirm, new recovery codes, turn off) per user and window. */
const ACCOUNT_CODE_ATTEMPTS = 10;
const ACCOUNT_CODE_WINDOW_SECONDS = 15 * 60;

interface TotpRow {
  secret_sealed: string;
  confirmed_at: Date | null;
  last_used_step: string | null;
}

export interface MfaStatus {
  enrolled: boolean;
  confirmedAt: Date | null;
  recoveryCodesLeft: number;
  mandatory: boolean;
}

export interface EnrolmentChallenge {
  /** Base32, grouped by four for typing into an app by hand. */
  secretGroups: string;
  otpauthUri: string;
  /** The QR code as an SVG data URL, rendered here (the extranet has no internet). */
  qrDataUrl: string;
}

export type SecondFactorResult =
  | { ok: true; method: 'totp' | 'recovery_code'; recoveryCodesLeft: number }
  | { ok: false; reason: 'wrong_code' | 'replayed_code' | 'wrong_recovery_code' };

function normaliseRecoveryCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, '');
}

/**
 * The second factor: TOTP enrolment with a locally rendered QR code, verification at login with
 * replay protection (the last step used is stored and only later steps are accepted), single-use
 * recovery codes kept as keyed hashes, and the admin's reset. TOTP keys are sealed with
 * AES-256-GCM under MFA_ENCRYPTION_KEY.
 */
@Injectable()
export class MfaService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly box: SecretBox,
    private readonly audit: AuditService,
    private readonly rateLimiter: RateLimiter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  isMandatoryFor(user: Pick<AuthUser, 'roles'>): boolean {
    return mfaMandatoryFor(user.roles, this.config.mfa);
  }

  async status(user: AuthUser): Promise<MfaStatus> {
    const rows: { confirmed_at: Date | null; left: number }[] = await this.dataSource.query(
      `SELECT t.confirmed_at,
              (SELECT count(*)::int FROM user_recovery_codes c WHERE c.user_id = t.user_id AND c.used_at IS NULL) AS left
         FROM user_totp t WHERE t.user_id = $1`,
      [user.id],
    );
    const confirmedAt = rows[0]?.confirmed_at ?? null;
    return {
      enrolled: confirmedAt !== null,
      confirmedAt,
      recoveryCodesLeft: confirmedAt ? rows[0].left : 0,
      mandatory: this.isMandatoryFor(user),
    };
  }

  /**
   * The key to enrol: the pending one if the page was shown before (so a reload shows the same
   * QR code), otherwise a new one. Refused once an authenticator is enrolled.
   */
  async enrolmentChallenge(user: AuthUser): Promise<EnrolmentChallenge> {
    const existing = await this.totpRow(user.id);
    if (existing?.confirmed_at) {
      throw new NotFoundException();
    }
    let secret: Buffer;
    if (existing) {
      secret = this.box.open(existing.secret_sealed, user.id);
    } else {
      secret = newTotpSecret();
      await this.dataSource.query(
        `INSERT INTO user_totp (user_id, secret_sealed) VALUES ($1, $2)
         ON CONFLICT (user_id) DO NOTHING`,
        [user.id, this.box.seal(secret, user.id)],
      );
      // Two tabs at once: the first key stored wins, and both show it.
      secret = this.box.open((await this.totpRow(user.id))!.secret_sealed, user.id);
    }
    const base32 = base32Encode(secret);
    const uri = otpauthUri(base32, this.config.mfa.issuer, user.mobile);
    const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return {
      secretGroups: base32.replace(/(.{4})(?=.)/g, '$1 '),
      otpauthUri: uri,
      qrDataUrl: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`,
    };
  }

  /** Confirms enrolment with a first code; answers the recovery codes, shown once. */
  async confirmEnrolment(user: AuthUser, code: string, ip: string): Promise<string[]> {
    const row = await this.totpRow(user.id);
    if (!row || row.confirmed_at) {
      throw FormInvalidException.field('code', '请重新打开绑定页面');
    }
    await this.limitAccountAttempts(user.id);
    const step = matchTotp(this.box.open(row.secret_sealed, user.id), code.trim());
    if (step === undefined) {
      throw FormInvalidException.field('code', WRONG_CODE_MESSAGE);
    }
    return this.dataSource.transaction(async (manager) => {
      const confirmed = await returningRows<{ user_id: string }>(
        manager,
        `UPDATE user_totp SET confirmed_at = now(), last_used_step = $2
          WHERE user_id = $1 AND confirmed_at IS NULL RETURNING user_id`,
        [user.id, step],
      );
      if (confirmed.length === 0) {
        throw FormInvalidException.field('code', '请重新打开绑定页面');
      }
      const codes = await this.replaceRecoveryCodes(user.id, manager);
      await this.audit.record({ action: 'mfa_enrolled', actor: user, ip }, manager);
      return codes;
    });
  }

  /**
   * The login's second step: a TOTP code (6 digits) or a recovery code. Audits success; the
   * caller counts a failure toward the lockout.
   */
  async verify(userId: string, input: string): Promise<SecondFactorResult> {
    const code = input.trim();
    const row = await this.totpRow(userId);
    if (!row?.confirmed_at) {
      return { ok: false, reason: 'wrong_code' };
    }
    if (/^\d{6}$/.test(code)) {
      const secret = this.box.open(row.secret_sealed, userId);
      // Matched without the last step first, to tell a replay from a wrong code in the audit log.
      const step = matchTotp(secret, code);
      if (step === undefined) {
        return { ok: false, reason: 'wrong_code' };
      }
      const lastUsed = row.last_used_step === null ? null : Number(row.last_used_step);
      if (lastUsed !== null && step <= lastUsed) {
        return { ok: false, reason: 'replayed_code' };
      }
      // Atomic: of two requests with the same code, only one moves the step on.
      const moved = await returningRows<{ user_id: string }>(
        this.dataSource,
        `UPDATE user_totp SET last_used_step = $2
          WHERE user_id = $1 AND (last_used_step IS NULL OR last_used_step < $2) RETURNING user_id`,
        [userId, step],
      );
      if (moved.length === 0) {
        return { ok: false, reason: 'replayed_code' };
      }
      return { ok: true, method: 'totp', recoveryCodesLeft: await this.recoveryCodesLeft(userId) };
    }
    const normalised = normaliseRecoveryCode(code);
    if (normalised.length !== RECOVERY_LENGTH) {
      return { ok: false, reason: 'wrong_recovery_code' };
    }
    const used = await returningRows<{ id: number }>(
      this.dataSource,
      `UPDATE user_recovery_codes SET used_at = now()
        WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL RETURNING id`,
      [userId, this.recoveryHash(userId, normalised)],
    );
    if (used.length === 0) {
      return { ok: false, reason: 'wrong_recovery_code' };
    }
    return {
      ok: true,
      method: 'recovery_code',
      recoveryCodesLeft: await this.recoveryCodesLeft(userId),
    };
  }

  /** New recovery codes (the old ones stop working), after a current TOTP code. */
  async regenerateRecoveryCodes(user: AuthUser, code: string, ip: string): Promise<string[]> {
    await this.requireCurrentCode(user.id, code);
    return this.dataSource.transaction(async (manager) => {
      const codes = await this.replaceRecoveryCodes(user.id, manager);
      await this.audit.record(
        { action: 'mfa_recovery_codes_regenerated', actor: user, ip },
        manager,
      );
      return codes;
    });
  }

  /** Only a user for whom the second factor is optional may turn it off, with a current code. */
  async disable(user: AuthUser, code: string, ip: string): Promise<void> {
    if (this.isMandatoryFor(user)) {
      throw FormInvalidException.field('code', '您的角色必须使用两步验证，不能关闭');
    }
    await this.requireCurrentCode(user.id, code);
    await this.dataSource.transaction(async (manager) => {
      await this.remove(user.id, manager);
      await this.audit.record({ action: 'mfa_disabled', actor: user, ip }, manager);
    });
  }

  /**
   * The admin's reset for a lost phone: the key and recovery codes go, every session ends, and the
   * user enrols again at the next login.
   */
  async adminReset(
    targetUserId: string,
    admin: AuthUser,
    ip: string,
    label: string,
  ): Promise<void> {
    const target = { type: 'user', id: targetUserId, label };
    await this.audit.change({ action: 'mfa_reset', actor: admin, ip, target }, async (manager) => {
      await this.remove(targetUserId, manager);
      await manager.query(`DELETE FROM sessions WHERE user_id = $1`, [targetUserId]);
    });
  }

  async isEnrolled(userId: string): Promise<boolean> {
    return Boolean((await this.totpRow(userId))?.confirmed_at);
  }

  /** Audits a passed second step (the controller rotates the session). */
  async recordVerified(
    actor: AuditActor,
    ip: string,
    result: Extract<SecondFactorResult, { ok: true }>,
  ): Promise<void> {
    await this.audit.record({
      action: 'mfa_verified',
      actor,
      ip,
      detail: { method: result.method },
    });
    if (result.method === 'recovery_code') {
      await this.audit.record({
        action: 'mfa_recovery_code_used',
        actor,
        ip,
        detail: { left: result.recoveryCodesLeft },
      });
    }
  }

  /** The account page's code fields are not a login, but guessing there is limited too. */
  private async limitAccountAttempts(userId: string): Promise<void> {
    if (
      !(await this.rateLimiter.hit(
        `mfa:account:${userId}`,
        ACCOUNT_CODE_ATTEMPTS,
        ACCOUNT_CODE_WINDOW_SECONDS,
      ))
    ) {
      throw FormInvalidException.field('code', '尝试次数过多，请 15 分钟后再试');
    }
  }

  private async requireCurrentCode(userId: string, code: string): Promise<void> {
    await this.limitAccountAttempts(userId);
    const result = await this.verify(userId, code);
    if (!result.ok || result.method !== 'totp') {
      throw FormInvalidException.field('code', WRONG_CODE_MESSAGE);
    }
  }

  private async remove(userId: string, manager: EntityManager): Promise<void> {
    await manager.query(`DELETE FROM user_recovery_codes WHERE user_id = $1`, [userId]);
    await manager.query(`DELETE FROM user_totp WHERE user_id = $1`, [userId]);
  }

  private async replaceRecoveryCodes(userId: string, manager: EntityManager): Promise<string[]> {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () =>
      Array.from({ length: RECOVERY_LENGTH }, () => RECOVERY_ALPHABET[randomInt(32)]).join(''),
    );
    await manager.query(`DELETE FROM user_recovery_codes WHERE user_id = $1`, [userId]);
    await manager.query(
      `INSERT INTO user_recovery_codes (user_id, code_hash) SELECT $1, unnest($2::text[])`,
      [userId, codes.map((code) => this.recoveryHash(userId, code))],
    );
    return codes.map((code) => `${code.slice(0, 5)}-${code.slice(5)}`);
  }

  private recoveryHash(userId: string, normalisedCode: string): string {
    return this.box.digest(`recovery:${userId}:${normalisedCode}`);
  }

  private async recoveryCodesLeft(userId: string): Promise<number> {
    const rows: { left: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS left FROM user_recovery_codes WHERE user_id = $1 AND used_at IS NULL`,
      [userId],
    );
    return rows[0]?.left ?? 0;
  }

  private async totpRow(userId: string): Promise<TotpRow | undefined> {
    const rows: TotpRow[] = await this.dataSource.query(
      `SELECT secret_sealed, confirmed_at, last_used_step FROM user_totp WHERE user_id = $1`,
      [userId],
    );
    return rows[0];
  }
}
