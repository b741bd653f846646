import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { AccountController } from './account.controller.js';
import { AuthController } from './auth.controller.js';
import { KeepaliveController } from './keepalive.controller.js';
import { LocalStrategy } from './local.strategy.js';
import { LoginService } from './login.service.js';
import { MfaController } from './mfa.controller.js';
import { MfaService } from './mfa.service.js';
import { PasswordHasher } from './password-hasher.js';
import { PasswordService } from './password.service.js';
import { RateLimiter } from './rate-limiter.js';
import { SecondFactorController } from './second-factor.controller.js';
import { SecretBox } from './secret-box.js';
import { SessionPurger } from './session-purger.js';
import { SessionStore } from './session.store.js';
import { SessionsController } from './sessions.controller.js';

@Module({
  imports: [PassportModule.register({ session: false })],
  controllers: [
    AuthController,
    SecondFactorController,
    AccountController,
    MfaController,
    SessionsController,
    KeepaliveController,
  ],
  providers: [
    LocalStrategy,
    LoginService,
    MfaService,
    PasswordHasher,
    PasswordService,
    RateLimiter,
    SessionStore,
    SessionPurger,
    {
      provide: SecretBox,
      useFactory: (config: AppConfig) => new SecretBox(config.mfa.encryptionKey),
      inject: [APP_CONFIG],
    },
  ],
  exports: [MfaService, PasswordHasher, PasswordService, SessionStore],
})
export class AuthModule {}
