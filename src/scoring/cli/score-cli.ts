/**
 * 指标测算 from the command line:
 * `npm run -s score -- [--system district|major_project] [--bands bands.json] <file.csv|->`.
 * Reads raw values per unit (see parseScoreCsv), prints a JSON array of scores, ranks and
 * five-colour bands (the default rank quintiles, or the settings of --bands, as the office's
 * 五色图 page shows them) to stdout; problems go to stderr in Chinese with exit code 1 (2 for a
 * wrong command line). Touches no database.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  assignBands,
  DEFAULT_BAND_CONFIG,
  validateBandConfig,
  type BandConfig,
} from '../calculation/bands.js';
import { DEFAULT_SYSTEMS } from '../calculation/default-systems.js';
import { scoreUnits, ScoringInputError } from '../calculation/efficacy.js';
import type { IndicatorSystemDefinition } from '../calculation/indicator-system.js';
import { parseScoreCsv } from '../calculation/score-csv.js';

const USAGE = `用法：npm run -s score -- [--system district|major_project] [--bands 五色图设置.json] <CSV 文件路径，或 - 表示标准输入>
CSV（UTF-8）第一行为表头：unit,指标代码…（或 单位,指标名称…）；每行一个单位，值为十进制数，扣分项填事件次数。
--bands：五色图设置（“指标体系与五色图”页面可复制），不写则按排名五等分。`;

/** A wrong command line: message plus usage, exit code 2. */
class UsageError extends Error {}

/** Input that cannot be read: message only, exit code 1. */
class InputError extends Error {}

interface Options {
  system: IndicatorSystemDefinition;
  path: string;
  bandsPath?: string;
}

function parseArgs(args: string[]): Options | 'help' {
  let systemName = 'district';
  let bandsPath: string | undefined;
  const paths: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    if (arg === '-h' || arg === '--help') {
      return 'help';
    }
    if (arg === '--system') {
      if (i + 1 >= args.length) {
        throw new UsageError('--system 后须写指标体系：district 或 major_project');
      }
      systemName = args[++i];
    } else if (arg.startsWith('--system=')) {
      systemName = arg.slice('--system='.length);
    } else if (arg === '--bands') {
      if (i + 1 >= args.length) {
        throw new UsageError('--bands 后须写五色图设置文件（JSON）的路径');
      }
      bandsPath = args[++i];
    } else if (arg.startsWith('--bands=')) {
      bandsPath = arg.slice('--bands='.length);
    } else if (arg.startsWith('-') && arg !== '-') {
      throw new UsageError(`不认识的选项：${arg}`);
    } else {
      paths.push(arg);
    }
  }
  if (systemName !== 'district' && systemName !== 'major_project') {
    throw new UsageError(`没有指标体系“${systemName}”：可选 district 或 major_project`);
  }
  if (paths.length !== 1) {
    throw new UsageError(paths.length === 0 ? '缺少 CSV 文件路径' : '只能给一个 CSV 文件');
  }
  return { system: DEFAULT_SYSTEMS[systemName], path: paths[0], bandsPath };
}

/** npm runs scripts from the package root; a relative path is meant from where npm was called. */
function inputPath(path: string): string {
  const base =
    process.env.npm_lifecycle_event === 'score' && process.env.INIT_CWD
      ? process.env.INIT_CWD
      : process.cwd();
  return resolve(base, path);
}

function readInput(path: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path === '-' ? 0 : inputPath(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(
      code === 'ENOENT' ? `找不到文件：${path}` : `无法读取 ${path}：${String(error)}`,
    );
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError(`${path} 不是 UTF-8 编码：用 Excel 时请另存为“CSV UTF-8（逗号分隔）”`);
  }
}

/**
 * Band settings as the 五色图 page shows them: {"mode": "rank_quintile" | "score_threshold",
 * "bands": [{"name", "color", "minScore"?} × 5]}, checked by the same rules as the page.
 */
function readBands(path: string): BandConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readInput(path));
  } catch (error) {
    if (error instanceof InputError) {
      throw error;
    }
    throw new InputError(`五色图设置文件 ${path} 不是有效的 JSON：${(error as Error).message}`);
  }
  const config = parsed as Partial<BandConfig> | null;
  const bands = Array.isArray(config?.bands) ? config.bands : undefined;
  if (
    (config?.mode !== 'rank_quintile' && config?.mode !== 'score_threshold') ||
    !bands ||
    !bands.every(
      (band: unknown) =>
        typeof (band as Record<string, unknown>)?.name === 'string' &&
        typeof (band as Record<string, unknown>)?.color === 'string',
    )
  ) {
    throw new InputError(
      `五色图设置文件 ${path} 的格式不对：须有 "mode"（rank_quintile 或 score_threshold）和 5 个含 "name"、"color" 的 "bands"`,
    );
  }
  const checked: BandConfig = {
    mode: config.mode,
    bands: bands.map((band) => ({
      name: band.name,
      color: band.color,
      ...(band.minScore === undefined ? {} : { minScore: String(band.minScore) }),
    })),
  };
  const errors = validateBandConfig(checked);
  if (errors.length > 0) {
    throw new InputError(`五色图设置文件 ${path} 有误：${errors.join('；')}`);
  }
  return checked;
}

function run(args: string[]): number {
  let options: Options | 'help';
  try {
    options = parseArgs(args);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const bandConfig = options.bandsPath ? readBands(options.bandsPath) : DEFAULT_BAND_CONFIG;
  const parsed = parseScoreCsv(readInput(options.path), options.system);
  if (parsed.errors.length > 0) {
    process.stderr.write(parsed.errors.map((message) => `${message}\n`).join(''));
    return 1;
  }
  const results = scoreUnits(options.system, parsed.units);
  const bands = assignBands(
    results.map((result) => result.total),
    results.map((result) => result.rank),
    bandConfig,
  );
  const output = results.map((result, i) => ({
    unit: result.unit,
    indicators: Object.fromEntries(
      Object.entries(result.indicators).map(([code, score]) => [code, score.toNumber()]),
    ),
    deductions: result.deductions.toNumber(),
    total: result.total.toNumber(),
    rank: result.rank,
    band: bandConfig.bands[bands[i]].name,
  }));
  process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
  return 0;
}

try {
  process.exitCode = run(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof InputError || error instanceof ScoringInputError)) {
    throw error; // a bug: let Node print the stack
  }
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
