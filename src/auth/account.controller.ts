import { Body, Controller, Get, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { setFlash } from '../common/http/flash.js';
import {
  FormInvalidException,
  validateForm,
  type FieldErrors,
} from '../common/forms/form-validation.js';
import { seeOther } from '../common/htmx/htmx-request.js';
import { AllowedBeforePasswordChange } from './auth.decorators.js';
import { ChangePasswordDto } from './dto/change-password.dto.js';
import { PasswordService } from './password.service.js';

@Controller('account')
@AllowedBeforePasswordChange()
export class AccountController {
  constructor(private readonly passwords: PasswordService) {}

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
    const form = await validateForm(ChangePasswordDto, body);
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
    return seeOther(request, reply, '/');
  }

  private renderForm(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    errors: FieldErrors,
  ) {
    const forced = request.auth?.user.mustChangePassword ?? false;
    return reply.code(status).view('auth/password.hbs', { title: '修改密码', forced, errors });
  }
}
