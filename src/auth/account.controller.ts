import { Body, Controller, Get, Inject, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { setFlash } from '../common/http/flash.js';
import {
  FormInvalidException,
  validateForm,
  type FieldErrors,
} from '../common/forms/form-validation.js';
import { seeOther } from '../common/htmx/htmx-request.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { AllowedBeforePasswordChange } from './auth.decorators.js';
import { ChangePasswordDto } from './dto/change-password.dto.js';
import { MfaService } from './mfa.service.js';
import { PENDING_STEP_PAGES, pendingStepFor } from './mfa-policy.js';
import { PasswordService } from './password.service.js';

@Controller('account')
@AllowedBeforePasswordChange()
export class AccountController {
  constructor(
    private readonly passwords: PasswordService,
    private readonly mfa: MfaService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('password')
  passwordPage(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    return this.renderForm(request, reply, 200, {});
  }

  @Post('password')
  async changePassword(
    @Req() request: FastifyRequest,
    @Body() body: unknown,
    @Res() reply: FastifyReply,
  ) {
    const form = await validateForm(ChangePasswordDto, body, (data, failed) =>
      this.passwords.changeFormErrors(request.auth!, data, request.ip, failed),
    );
    if (!form.ok) {
      return this.renderForm(request, reply, 422, form.errors);
    }
    try {
      await this.passwords.change(request.auth!, form.data, request.ip);
    } catch (error) {
      if (error instanceof FormInvalidException) {
        return this.renderForm(request, reply, 422, error.errors);
      }
      throw error;
    }
    setFlash(reply, 'success', '密码已修改');
    // A user who must enrol an authenticator goes there next.
    const user = request.auth!.user;
    const next = pendingStepFor(
      {
        awaitingSecondFactor: false,
        mustChangePassword: false,
        roles: user.roles,
        totpEnrolled: await this.mfa.isEnrolled(user.id),
      },
      this.config.mfa,
    );
    return seeOther(request, reply, next ? PENDING_STEP_PAGES[next] : '/');
  }

  private renderForm(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    errors: FieldErrors,
  ) {
    const auth = request.auth;
    const expired = auth?.passwordExpired ?? false;
    const forced = !expired && (auth?.user.mustChangePassword ?? false);
    return reply.code(status).view('auth/password.hbs', {
      title: '修改密码',
      forced,
      expired,
      maxAgeDays: this.config.password.maxAgeDays,
      minLength: this.config.password.minLength,
      errors,
    });
  }
}
