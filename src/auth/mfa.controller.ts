import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type FieldErrors, unlessRefused } from '../common/forms/form-validation.js';
import { setFlash } from '../common/http/flash.js';
import { seeOther } from '../common/htmx/htmx-request.js';
import { AllowedBeforeMfaEnrolment, Call, type Caller } from './auth.decorators.js';
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
  confirm(@Call() call: Caller, @Res() reply: FastifyReply) {
    return this.withCode(call, reply, 'code', async (code) =>
      this.renderCodes(reply, await this.mfa.confirmEnrolment(call.user, code, call.ip), true),
    );
  }

  @Post('recovery-codes')
  regenerate(@Call() call: Caller, @Res() reply: FastifyReply) {
    return this.withCode(call, reply, 'regenerateCode', async (code) =>
      this.renderCodes(
        reply,
        await this.mfa.regenerateRecoveryCodes(call.user, code, call.ip),
        false,
      ),
    );
  }

  @Post('disable')
  disable(@Call() call: Caller, @Res() reply: FastifyReply) {
    return this.withCode(call, reply, 'disableCode', async (code) => {
      await this.mfa.disable(call.user, code, call.ip);
      setFlash(reply, 'success', '已关闭两步验证');
      return seeOther(call.request, reply, '/account/mfa');
    });
  }

  /**
   * Runs a step on the code typed; a refused code shows the page again (422) with the message on
   * `field` (confirmation: every refusal as given).
   */
  private withCode(
    call: Caller,
    reply: FastifyReply,
    field: 'code' | 'regenerateCode' | 'disableCode',
    step: (code: string) => Promise<unknown>,
  ) {
    return unlessRefused(
      () => step(codeFrom(call.body)),
      (errors) =>
        this.renderPage(
          call.request,
          reply,
          422,
          field === 'code' ? errors : { [field]: errors.code ?? [] },
        ),
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
