import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { DictionariesAdminController } from './dictionaries-admin.controller.js';
import { DictionariesAdminService } from './dictionaries-admin.service.js';
import { UnitsAdminController } from './units-admin.controller.js';
import { UnitsAdminService } from './units-admin.service.js';
import { UsersAdminController } from './users-admin.controller.js';
import { UsersAdminService } from './users-admin.service.js';

/** Units, users and dictionaries administration (系统管理), for the system administrator only. */
@Module({
  imports: [AuthModule],
  controllers: [UsersAdminController, UnitsAdminController, DictionariesAdminController],
  providers: [UsersAdminService, UnitsAdminService, DictionariesAdminService],
})
export class AdminModule {}
