import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { AccountController } from './account.controller.js';
import { AuthController } from './auth.controller.js';
import { LocalStrategy } from './local.strategy.js';
import { LoginService } from './login.service.js';
import { PasswordHasher } from './password-hasher.js';
import { PasswordService } from './password.service.js';
import { RateLimiter } from './rate-limiter.js';
import { SessionPurger } from './session-purger.js';
import { SessionStore } from './session.store.js';

@Module({
  imports: [PassportModule.register({ session: false })],
  controllers: [AuthController, AccountController],
  providers: [
    LocalStrategy,
    LoginService,
    PasswordHasher,
    PasswordService,
    RateLimiter,
    SessionStore,
    SessionPurger,
  ],
  exports: [PasswordHasher, PasswordService, SessionStore],
})
export class AuthModule {}
