import { Injectable, NotFoundException } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { hasRole, type AuthUser } from '../auth/auth-context.js';
import { FormInvalidException, type FieldErrors } from '../common/forms/form-validation.js';
import { chinaDate, parseChinaDate } from '../common/time/china-time.js';
import { Clock } from '../common/time/clock.js';
import { RecordKit } from '../workflow/record-kit/record-kit.js';
import type { NewsRequestDto } from './dto/news-request.dto.js';
import { NewsRequestsQueries } from './news-requests.queries.js';

/**
 * 约稿: the office asks chosen units for a piece by a deadline (today or later); the request is in
 * their 待办 until they submit an item answering it, flagged 已逾期 after the deadline.
 */
@Injectable()
export class NewsRequestsService {
  constructor(
    private readonly kit: RecordKit,
    private readonly queries: NewsRequestsQueries,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  today(): string {
    return chinaDate(this.clock.now());
  }

  async formErrors(
    form: NewsRequestDto,
    failed: ReadonlySet<string> = new Set(),
  ): Promise<FieldErrors> {
    const errors: FieldErrors = {};
    if (!failed.has('deadline')) {
      const deadline = parseChinaDate(form.deadline);
      if (!deadline || deadline < this.today()) {
        errors.deadline = ['报送时限不能早于今天'];
      }
    }
    if (!failed.has('unitIds') && form.unitIds.length > 0) {
      const known = await this.queries.filingUnitIds(form.unitIds);
      if (known.length !== new Set(form.unitIds).size) {
        errors.unitIds = ['请选择有效的约稿单位'];
      }
    }
    return errors;
  }

  async create(form: NewsRequestDto, user: AuthUser, ip?: string): Promise<string> {
    if (!hasRole(user, 'office')) {
      throw new NotFoundException();
    }
    const errors = await this.formErrors(form);
    if (Object.keys(errors).length > 0) {
      throw new FormInvalidException(errors);
    }
    return this.kit.transaction(async (manager) => {
      const id = await this.queries.insert(manager, {
        topic: form.topic,
        details: form.details ?? '',
        deadline: form.deadline,
        unitIds: [...new Set(form.unitIds)],
        by: user.id,
      });
      await this.audit.record(
        {
          action: 'news_request_created',
          actor: user,
          ip,
          target: { type: 'news_request', id, label: form.topic },
          detail: { deadline: form.deadline, units: form.unitIds.length },
        },
        manager,
      );
      return id;
    });
  }

  /** The office sees every request; a unit the ones sent to it (its open ones first). */
  async list(user: AuthUser) {
    const today = this.today();
    if (hasRole(user, 'office', 'leader')) {
      const rows = await this.queries.list();
      return rows.map((row) => ({
        ...row,
        overdue: row.deadline < today && row.answered < row.units,
      }));
    }
    return (await this.queries.forUnit(user.unitId)).map((row) => ({
      ...row,
      overdue: row.deadline < today && !row.answered_by_unit,
    }));
  }

  /** One request: the office and leaders, or a unit it was sent to; 404 otherwise. */
  async page(id: string, user: AuthUser) {
    const request = await this.queries.find(id);
    if (
      !request ||
      (!hasRole(user, 'office', 'leader') &&
        !request.units.some((unit) => unit.unit_id === user.unitId))
    ) {
      throw new NotFoundException();
    }
    const today = this.today();
    const own = request.units.find((unit) => unit.unit_id === user.unitId);
    return {
      request,
      units: request.units.map((unit) => ({
        ...unit,
        overdue: !unit.news_id && request.deadline < today,
      })),
      mayAnswer: Boolean(own && !own.news_id && hasRole(user, 'entry')),
    };
  }

  /** The 待办 rows of a clerk: requests sent to the unit not yet answered. */
  openForUnit(unitId: number) {
    return this.queries.openForUnit(unitId, this.today());
  }
}
