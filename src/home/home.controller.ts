import { Controller, Get, Param, Render } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-context.js';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import { BUSINESS_ROLES } from '../auth/roles.js';
import { NewsService } from '../news/news.service.js';
import { HomeService } from './home.service.js';
import { RecordIdPipe } from '../common/http/params.js';

@Controller()
export class HomeController {
  constructor(
    private readonly home: HomeService,
    private readonly news: NewsService,
  ) {}

  @Get()
  @Render('home/index.hbs')
  async index(@CurrentUser() user: AuthUser) {
    const reads = user.roles.some((role) => BUSINESS_ROLES.includes(role));
    return {
      ...(await this.home.dashboard(user)),
      // The latest five published 工作动态 (not for the auditor, who reads no business data).
      latestNews: reads ? (await this.news.feed({ page: 1 }, 5)).rows : [],
    };
  }

  /** The people of the user's own unit: who reviews, who files. */
  @Get('my-unit/members')
  @Roles('entry', 'reviewer')
  @Render('home/members.hbs')
  myUnitMembers(@CurrentUser() user: AuthUser) {
    return this.home.unitMembers(user, user.unitId);
  }

  @Get('units/:unitId/members')
  @Roles(...BUSINESS_ROLES)
  @Render('home/members.hbs')
  unitMembers(@CurrentUser() user: AuthUser, @Param('unitId', RecordIdPipe) unitId: number) {
    return this.home.unitMembers(user, unitId);
  }
}
