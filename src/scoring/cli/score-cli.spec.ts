import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The real command, as documented: compiles the CLI, then runs it (a few seconds). */
function score(...args: string[]) {
  const run = spawnSync('npm', ['run', '--silent', 'score', '--', ...args], {
    cwd: process.cwd(),
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const FIXTURE = 'test/fixtures/score-district-sample.csv';

describe('npm run score', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'score-cli-'));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** Writes a file of the test's in the temporary folder and gives its path. */
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  /** A --bands file's content: bands by score thresholds, as the 五色图 page saves them. */
  const thresholds = (bands: { name: string; color: string; minScore: string }[]) =>
    JSON.stringify({ mode: 'score_threshold', bands });

  it('should print scores, ranks and bands of the district sample as JSON', () => {
    const run = score('--system', 'district', FIXTURE);
    expect(run.status).toBe(0);
    // The same six districts as the district test in efficacy.spec.ts, columns in another order.
    // Numbers are the nearest doubles of the exact results: 26/3 → 8.666666666666666,
    // 1408/15 → 93.86666666666666, 1201/15 → 80.06666666666666.
    // Bands: floor((rank − 1) × 5 / 6): rank 1, 2 → 0; 4 → 15/6 → 2; 5 → 20/6 → 3; 6 → 25/6 → 4.
    const zero = { incident_larger: 0, incident_major: 0, incident_extreme: 0 };
    expect(JSON.parse(run.stdout)).toEqual([
      {
        unit: '甲区',
        indicators: {
          pilot_count: 18.4,
          pilot_acceptance_rate: 10,
          national_affirmation: 25,
          citywide_promotion: 13.8,
          central_media: 8.666666666666666,
          satisfaction: 18,
          negative_opinion: 0,
          ...zero,
        },
        deductions: 0,
        total: 93.86666666666666,
        rank: 1,
        band: '第一档',
      },
      {
        unit: '乙区',
        indicators: {
          pilot_count: 17.6,
          pilot_acceptance_rate: 8,
          national_affirmation: 22.5,
          citywide_promotion: 15,
          central_media: 6,
          satisfaction: 14.4,
          negative_opinion: -0.2,
          ...zero,
        },
        deductions: 0.2,
        total: 83.3,
        rank: 4,
        band: '第三档',
      },
      {
        unit: '丙区',
        indicators: {
          pilot_count: 16.8,
          pilot_acceptance_rate: 10,
          national_affirmation: 20,
          citywide_promotion: 13,
          central_media: 6,
          satisfaction: 20,
          negative_opinion: 0,
          ...zero,
        },
        deductions: 0,
        total: 85.8,
        rank: 2,
        band: '第一档',
      },
      {
        unit: '丁区',
        indicators: {
          pilot_count: 16.8,
          pilot_acceptance_rate: 9,
          national_affirmation: 22.5,
          citywide_promotion: 12,
          central_media: 10,
          satisfaction: 16,
          negative_opinion: -0.5,
          ...zero,
        },
        deductions: 0.5,
        total: 85.8,
        rank: 2,
        band: '第一档',
      },
      {
        unit: '戊区',
        indicators: {
          pilot_count: 20,
          pilot_acceptance_rate: 10,
          national_affirmation: 23.75,
          citywide_promotion: 13,
          central_media: 6,
          satisfaction: 12,
          negative_opinion: 0,
          ...zero,
          incident_larger: -3,
        },
        deductions: 3,
        total: 81.75,
        rank: 5,
        band: '第四档',
      },
      {
        unit: '己区',
        indicators: {
          pilot_count: 16,
          pilot_acceptance_rate: 10,
          national_affirmation: 20,
          citywide_promotion: 14.4,
          central_media: 8.666666666666666,
          satisfaction: 16,
          negative_opinion: 0,
          ...zero,
          incident_major: -5,
        },
        deductions: 5,
        total: 80.06666666666666,
        rank: 6,
        band: '第五档',
      },
    ]);
  });

  it('should exit 1 naming the row and column of a bad number, printing nothing to stdout', () => {
    const lines = readFileSync(FIXTURE, 'utf8').split('\r\n');
    lines[2] = '乙区,,4,50,1,4,0,2,0,0,0'; // row 3: empty satisfaction
    lines[3] = '丙区,95,2,100,1e2,1,0,0,0,0,0'; // row 4: an exponent is not accepted
    const bad = file('bad.csv', lines.join('\r\n'));
    const run = score(bad);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(
      '第 3 行「satisfaction」列：值为空\n第 4 行「national_affirmation」列：“1e2”不是数字\n',
    );
  });

  it('should band by the score thresholds of a --bands file, as the 五色图 page sets them', () => {
    const bands = file(
      'bands.json',
      thresholds([
        { name: '优秀', color: '#d7191c', minScore: '90' },
        { name: '良好', color: '#fdae61', minScore: '85' },
        { name: '中等', color: '#ffd84d', minScore: '82' },
        { name: '一般', color: '#1a9641', minScore: '81' },
        { name: '较差', color: '#2c7bb6', minScore: '0' },
      ]),
    );
    const run = score('--bands', bands, FIXTURE);
    expect(run.status).toBe(0);
    // Totals from the test above: 甲 93.87 ≥ 90; 乙 83.3 ≥ 82; 丙 and 丁 85.8 ≥ 85; 戊 81.75 ≥ 81;
    // 己 80.07 < 81 → the last band.
    expect(
      (JSON.parse(run.stdout) as { unit: string; band: string }[]).map((row) => [
        row.unit,
        row.band,
      ]),
    ).toEqual([
      ['甲区', '优秀'],
      ['乙区', '中等'],
      ['丙区', '良好'],
      ['丁区', '良好'],
      ['戊区', '一般'],
      ['己区', '较差'],
    ]);
  });

  it('should exit 1 on a --bands file whose thresholds leave a gap, printing nothing to stdout', () => {
    const bands = file(
      'gap.json',
      thresholds(
        ['一', '二', '三', '四', '五'].map((name, i) => ({
          name,
          color: '#2c7bb6',
          minScore: String(80 - i * 10),
        })),
      ),
    );
    const run = score('--bands', bands, FIXTURE);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`五色图设置文件 ${bands} 有误：`);
    const notJson = file('bands.txt', 'mode=rank');
    expect(score('--bands', notJson, FIXTURE).stderr).toContain('不是有效的 JSON');
  });

  it('should exit 2 with the usage for an unknown system', () => {
    const run = score('--system', 'county', FIXTURE);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('没有指标体系“county”：可选 district 或 major_project');
  });
});
