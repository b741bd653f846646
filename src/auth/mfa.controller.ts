import { Body, Controller, Get, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type FieldErrors, unlessRefused } from '../common/forms/form-validation.js';
import { setFlash } from '../common/http/flash.js';
import { seeOther } from '../common/htmx/htmx-request.js';
import { AllowedBeforeMfaEnrolment } from './auth.decorators.js';
import { MfaService, RECOVERY_CODE_COUNT } from './mfa.service.js';

function codeFrom(body: Record<string, unknown> | undefined): string {
  return typeof body?.code === 'string' ? body.code.slice(0, 40) : '';
}

/**
 * 两步验证 (/account/mfa): enrolment of an authenticator app with a QR code rendered here, the
 * secret for typing in by hand and a first code to confirm; then the status, new recovery codes,
 * and turning it off where it is optional. A user who must enrol reaches nothing else.
 */
@Controller('account/mfa')
@AllowedBeforeMfaEnrolment()
export class MfaController {
  constructor(private readonly mfa: MfaService) {}

  @Get()
  async page(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    return this.renderPage(request, reply, 200, {});
  }

  /** Confirms enrolment with the first code and shows the recovery codes, once. */
  @Post()
  async confirm(
    @Req() request: FastifyRequest,
    @Body() body: Record<string, unknown> | undefined,
    @Res() reply: FastifyReply,
  ) {
    const auth = request.auth!;
    return unlessRefused(
      async () => {
        const codes = await this.mfa.confirmEnrolment(auth.user, codeFrom(body), request.ip);
        return this.renderCodes(reply, codes, true);
      },
      (errors) => this.renderPage(request, reply, 422, errors),
    );
  }

  @Post('recovery-codes')
  async regenerate(
    @Req() request: FastifyRequest,
    @Body() body: Record<string, unknown> | undefined,
    @Res() reply: FastifyReply,
  ) {
    return unlessRefused(
      async () => {
        const user = request.auth!.user;
        const codes = await this.mfa.regenerateRecoveryCodes(user, codeFrom(body), request.ip);
        return this.renderCodes(reply, codes, false);
      },
      (errors) => this.renderPage(request, reply, 422, { regenerateCode: errors.code ?? [] }),
    );
  }

  @Post('disable')
  async disable(
    @Req() request: FastifyRequest,
    @Body() body: Record<string, unknown> | undefined,
    @Res() reply: FastifyReply,
  ) {
    return unlessRefused(
      async () => {
        await this.mfa.disable(request.auth!.user, codeFrom(body), request.ip);
        setFlash(reply, 'success', '已关闭两步验证');
        return seeOther(request, reply, '/account/mfa');
      },
      (errors) => this.renderPage(request, reply, 422, { disableCode: errors.code ?? [] }),
    );
  }

  private async renderPage(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    errors: FieldErrors,
  ) {
    const auth = request.auth!;
    const mfaStatus = await this.mfa.status(auth.user);
    const challenge = mfaStatus.enrolled ? undefined : await this.mfa.enrolmentChallenge(auth.user);
    return reply.code(status).view('account/mfa.hbs', {
      title: '两步验证',
      status: mfaStatus,
      challenge,
      forced: auth.pendingStep === 'mfa_enrolment',
      errors,
    });
  }

  private renderCodes(reply: FastifyReply, codes: string[], justEnrolled: boolean) {
    return reply.code(200).view('account/mfa-recovery-codes.hbs', {
      title: '恢复码',
      codes,
      count: RECOVERY_CODE_COUNT,
      justEnrolled,
    });
  }
}
