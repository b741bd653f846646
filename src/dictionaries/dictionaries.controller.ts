import { Controller, Get, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DictionariesService } from './dictionaries.service.js';
import { Roles } from '../auth/auth.decorators.js';
import { BUSINESS_ROLES } from '../auth/roles.js';
import { lenientId } from '../common/http/params.js';

@Controller('dictionaries')
@Roles(...BUSINESS_ROLES)
export class DictionariesController {
  constructor(private readonly dictionaries: DictionariesService) {}

  /** htmx: the <option>s of the tracks of a domain, for the 跑道 select that follows the 领域 select. */
  @Get('tracks')
  async tracks(@Query('domainId') domainId: string, @Res() reply: FastifyReply) {
    const id = lenientId(domainId);
    const tracks = id ? await this.dictionaries.activeOptions('track', id) : [];
    return reply.view('partials/_track-options.hbs', { tracks });
  }
}
