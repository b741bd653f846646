import { Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Call, type Caller, Roles } from '../../auth/auth.decorators.js';
import { unlessRefused, type FieldErrors } from '../../common/forms/form-validation.js';
import { setFlash } from '../../common/http/flash.js';
import { seeOther } from '../../common/htmx/htmx-request.js';
import { BAND_COUNT, colorName, type BandConfig } from '../calculation/bands.js';
import {
  addableMeasures,
  catalogue,
  methodKindsFor,
  nothingDueRuleOf,
} from '../calculation/indicator-catalogue.js';
import { Fraction } from '../calculation/fraction.js';
import {
  NOTHING_DUE_EXPLANATIONS,
  NOTHING_DUE_LABELS,
  NOTHING_DUE_RULES,
  type IndicatorSystemDefinition,
  type NothingDueRule,
  type ScoringMethod,
} from '../calculation/indicator-system.js';
import {
  METHOD_LABELS,
  WINDOW_LABELS,
  applyDraftForm,
  indicatorGroups,
  scoredPointsTotal,
} from './draft-form.js';
import {
  IndicatorSystemsService,
  SYSTEM_KIND_LABELS,
  systemKindOf,
  systemKindTabs,
  type IndicatorSystemRow,
  type SystemKind,
} from './indicator-systems.service.js';
import { RecordIdPipe } from '../../common/http/params.js';

const text = (body: Record<string, unknown>, key: string): string =>
  typeof body[key] === 'string' ? body[key].trim() : '';

/** A rate row's 0/0 rule as the draft page shows it: the choices and what the rule in force means. */
function nothingDueView(rule: NothingDueRule | undefined) {
  return rule === undefined
    ? undefined
    : {
        label: NOTHING_DUE_LABELS[rule],
        explanation: NOTHING_DUE_EXPLANATIONS[rule],
        choices: NOTHING_DUE_RULES.map((value) => ({
          value,
          label: NOTHING_DUE_LABELS[value],
          selected: value === rule,
        })),
      };
}

/**
 * 指标体系 and 五色图 settings: the office edits a draft version and activates it (issue 8); the
 * system administrator may too, as DESIGN §1 lists indicator systems among the admin's duties.
 */
@Controller('indicator-systems')
@Roles('office', 'admin')
export class IndicatorSystemsController {
  constructor(private readonly systems: IndicatorSystemsService) {}

  @Get()
  async index(@Query('kind') kindParam: string, @Res() reply: FastifyReply) {
    return this.renderIndex(reply, systemKindOf(kindParam), 200, {});
  }

  @Post('drafts')
  async createDraft(@Call() { body, user, request }: Caller, @Res() reply: FastifyReply) {
    const id = await this.systems.createDraft(systemKindOf(body?.kind), user);
    return seeOther(request, reply, `/indicator-systems/${id}`);
  }

  // A reload after a refused save asks for the POST's address: back to the form, not a 404.
  @Get('bands')
  bandsPage(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    return seeOther(request, reply, '/indicator-systems');
  }

  @Post('bands')
  async updateBands(@Call() { body, user, request }: Caller, @Res() reply: FastifyReply) {
    const kind = systemKindOf(body?.kind);
    const config: BandConfig = {
      mode: body?.mode === 'score_threshold' ? 'score_threshold' : 'rank_quintile',
      bands: Array.from({ length: BAND_COUNT }, (_unused, index) => ({
        name: text(body, `band-${index}-name`),
        color: text(body, `band-${index}-color`).toLowerCase(),
        ...(body?.mode === 'score_threshold' ? { minScore: text(body, `band-${index}-min`) } : {}),
      })),
    };
    return unlessRefused(
      async () => {
        await this.systems.updateBandConfig(kind, config, user);
        setFlash(reply, 'success', '五色图设置已保存，之后生成的报表按新设置分档');
        return seeOther(request, reply, `/indicator-systems?kind=${kind}`);
      },
      (errors) => this.renderIndex(reply, kind, 422, errors, config),
    );
  }

  @Get(':id')
  async show(@Param('id', RecordIdPipe) id: number, @Res() reply: FastifyReply) {
    const system = await this.systems.find(id);
    return this.renderSystem(reply, system, system.definition, 200, {});
  }

  @Post(':id')
  async update(
    @Param('id', RecordIdPipe) id: number,
    @Call() { body, user, request }: Caller,
    @Res() reply: FastifyReply,
  ) {
    const system = await this.systems.find(id);
    const { definition, startedFromDefaults } = applyDraftForm(system.definition, body ?? {});
    const note = text(body ?? {}, 'note');
    return unlessRefused(
      async () => {
        await this.systems.updateDraft(system.id, definition, note, user);
        setFlash(
          reply,
          'success',
          startedFromDefaults.length === 0
            ? '草稿已保存'
            : `草稿已保存；${startedFromDefaults.map((name) => `“${name}”`).join('、')}使用默认系数，请核对后再保存`,
        );
        return seeOther(request, reply, `/indicator-systems/${system.id}`);
      },
      // The typed note comes back with the typed definition.
      (errors) => this.renderSystem(reply, { ...system, note }, definition, 422, errors),
    );
  }

  @Post(':id/activate')
  async activate(
    @Param('id', RecordIdPipe) id: number,
    @Call() { user, request }: Caller,
    @Res() reply: FastifyReply,
  ) {
    const system = await this.systems.find(id);
    return unlessRefused(
      async () => {
        await this.systems.activate(system.id, user);
        setFlash(reply, 'success', `第 ${system.version} 版已启用；已生成的报表仍保留原版本`);
        return seeOther(request, reply, `/indicator-systems?kind=${system.kind}`);
      },
      (errors) => this.renderSystem(reply, system, system.definition, 422, errors),
    );
  }

  private async renderIndex(
    reply: FastifyReply,
    kind: SystemKind,
    status: number,
    errors: FieldErrors,
    typedBands?: BandConfig,
  ) {
    const versions = await this.systems.list(kind);
    const saved = await this.systems.bandConfig(kind);
    const bands = typedBands ?? saved;
    return reply.code(status).view('scoring/systems-index.hbs', {
      title: '指标体系与五色图',
      kind,
      kinds: systemKindTabs(kind),
      versions: versions.map((row) => ({
        ...row,
        statusLabel: this.systems.statusLabel(row.status),
      })),
      hasDraft: versions.some((row) => row.status === 'draft'),
      // What `npm run score -- --bands` reads: the saved settings, not a refused typed copy.
      savedBandsJson: JSON.stringify(saved, null, 2),
      bandMode: bands.mode,
      bands: bands.bands.map((band, index) => ({
        ...band,
        index,
        colorName: colorName(band.color) ?? '',
      })),
      errors,
    });
  }

  private renderSystem(
    reply: FastifyReply,
    system: IndicatorSystemRow,
    definition: IndicatorSystemDefinition,
    status: number,
    errors: FieldErrors,
  ) {
    const measures = new Map(catalogue(system.kind).map((measure) => [measure.code, measure]));
    // A code outside the catalogue (refused on save) keeps only the method it has.
    const methodChoices = (code: string, current: ScoringMethod['kind']) => {
      const measure = measures.get(code);
      return (measure ? methodKindsFor(measure) : [current]).map((kind) => ({
        value: kind,
        label: METHOD_LABELS[kind],
        selected: kind === current,
      }));
    };
    const total = scoredPointsTotal(definition);
    return reply.code(status).view('scoring/system.hbs', {
      title: `${SYSTEM_KIND_LABELS[system.kind]} 第 ${system.version} 版`,
      system,
      statusLabel: this.systems.statusLabel(system.status),
      editable: system.status === 'draft',
      definition,
      groups: indicatorGroups(definition).map((group) => ({
        ...group,
        indicators: group.indicators.map((indicator) => ({
          ...indicator,
          methodLabel: METHOD_LABELS[indicator.method.kind],
          methods: methodChoices(indicator.code, indicator.method.kind),
          windowLabel: WINDOW_LABELS[indicator.window],
          // A rate with a 0/0 rule: the choices, the one in force and what it means.
          nothingDue: nothingDueView(nothingDueRuleOf(definition.kind, indicator)),
        })),
      })),
      nothingDueRules: NOTHING_DUE_RULES.map((rule) => ({
        label: NOTHING_DUE_LABELS[rule],
        explanation: NOTHING_DUE_EXPLANATIONS[rule],
      })),
      firstLevelChoices: definition.firstLevels.map(({ code, name }) => ({ code, name })),
      addable: addableMeasures(definition).map((measure) => ({
        code: measure.code,
        name: measure.name,
        isDeduction: measure.method.kind === 'deduction',
      })),
      addMethods: (['single_tier', 'three_tier', 'deduction'] as const).map((kind) => ({
        value: kind,
        label: METHOD_LABELS[kind],
      })),
      pointsTotal: total?.toFixed(2).replace(/\.00$/, ''),
      pointsNot100: total !== undefined && !total.equals(Fraction.of(100)),
      windows: Object.entries(WINDOW_LABELS).map(([value, label]) => ({ value, label })),
      errors,
    });
  }
}
