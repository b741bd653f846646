import {
  bandNumeral,
  DEFAULT_BAND_COLORS,
  DEFAULT_BAND_CONFIG,
  displayColor,
  inkOn,
  LEGACY_BAND_COLORS,
} from './bands.js';

/**
 * The five bands for red-green colour-blind readers: each colour is passed through the Machado,
 * Oliveira & Fernandes (2009) deuteranopia matrix (severity 1.0, on linear sRGB) and compared in
 * CIELAB (D65). Two bands a deuteranope cannot tell apart have a small ΔE*ab and a small ΔL*.
 */
const DEUTERANOPIA = [
  [0.367322, 0.860646, -0.227968],
  [0.280085, 0.672501, 0.047413],
  [-0.01182, 0.04294, 0.968881],
];

function linear(hex: string): number[] {
  return [1, 3, 5].map((offset) => {
    const value = parseInt(hex.slice(offset, offset + 2), 16) / 255;
    return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  });
}

function simulate(rgb: number[]): number[] {
  return DEUTERANOPIA.map((row) =>
    Math.min(1, Math.max(0, row[0] * rgb[0] + row[1] * rgb[1] + row[2] * rgb[2])),
  );
}

function lab([r, g, b]: number[]): [number, number, number] {
  const x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
  const y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116);
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
}

const deltaE = (a: number[], b: number[]) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

function pairs(colors: readonly string[]) {
  const seen = colors.map((color) => lab(simulate(linear(color))));
  const result: { bands: string; deltaE: number; deltaL: number }[] = [];
  for (let i = 0; i < colors.length; i += 1) {
    for (let j = i + 1; j < colors.length; j += 1) {
      result.push({
        bands: `${i + 1}-${j + 1}`,
        deltaE: deltaE(seen[i], seen[j]),
        deltaL: Math.abs(seen[i][0] - seen[j][0]),
      });
    }
  }
  return result;
}

describe('band colours for red-green colour-blind readers', () => {
  it('should show the old palette’s problem: 第一档 and 第四档 share their lightness for a deuteranope', () => {
    const first4 = pairs(LEGACY_BAND_COLORS).find((pair) => pair.bands === '1-4')!;
    // Red #d7191c and green #1a9641 both turn olive: L* 51.4 and 52.9.
    expect(first4.deltaL).toBeLessThan(2);
    expect(Math.min(...pairs(LEGACY_BAND_COLORS).map((pair) => pair.deltaE))).toBeLessThan(20);
  });

  it('should keep every pair of the default bands at least ΔE 24 apart in a deuteranopia simulation', () => {
    for (const pair of pairs(DEFAULT_BAND_COLORS)) {
      expect({ bands: pair.bands, clear: pair.deltaE >= 24 }).toEqual({
        bands: pair.bands,
        clear: true,
      });
    }
    // The pair that was olive-on-olive now differs by 40 in lightness alone.
    expect(pairs(DEFAULT_BAND_COLORS).find((pair) => pair.bands === '1-4')!.deltaL).toBeGreaterThan(
      40,
    );
  });

  it('should step the lightness from 第一档 (dark red) to 第五档 (light blue), so a grey printout keeps the order', () => {
    const lightness = DEFAULT_BAND_COLORS.map((color) => lab(linear(color))[0]);
    for (let i = 1; i < lightness.length; i += 1) {
      expect(lightness[i] - lightness[i - 1]).toBeGreaterThanOrEqual(5);
    }
    expect(DEFAULT_BAND_CONFIG.bands.map((band) => band.color)).toEqual([...DEFAULT_BAND_COLORS]);
  });

  it('should draw a report frozen with the old palette in the new colours of the same names', () => {
    expect(LEGACY_BAND_COLORS.map((color) => displayColor(color.toUpperCase()))).toEqual([
      ...DEFAULT_BAND_COLORS,
    ]);
    expect(displayColor('#123456')).toBe('#123456');
  });

  it('should number the bands 1 to 5 and pick the text colour that reads on each', () => {
    expect([0, 1, 2, 3, 4].map(bandNumeral)).toEqual(['1', '2', '3', '4', '5']);
    // White on the dark red (8.1:1), #111 on the others (orange 4.8:1, the rest above 9:1).
    expect(DEFAULT_BAND_COLORS.map(inkOn)).toEqual(['light', 'dark', 'dark', 'dark', 'dark']);
    expect(inkOn('#000000')).toBe('light');
    expect(inkOn('#ffffff')).toBe('dark');
  });
});
