import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-local';
import { LoginService, type AuthenticatedUser } from './login.service.js';

/** passport-local checks the credentials only; the session is ours (passport sessions do not run on Fastify). */
@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy, 'local') {
  constructor(private readonly loginService: LoginService) {
    super({
      usernameField: 'mobile',
      passwordField: 'password',
      passReqToCallback: true,
      session: false,
    });
  }

  validate(request: FastifyRequest, mobile: string, password: string): Promise<AuthenticatedUser> {
    return this.loginService.authenticate(mobile, password, request.ip);
  }
}
