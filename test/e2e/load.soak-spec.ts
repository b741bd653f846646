import { Clock } from '../../src/common/time/clock.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { runLoad } from '../load/load-scenario.js';

/**
 * Load held (issue 11), run alone by `npm run test:soak`: 100 logged-in sessions browsing and
 * filing (one action in ten a new highlight, 0.5–1.5 s think time) for 60 s and then for 10
 * minutes — zero 5xx, p95 under 300 ms on this 2-core machine, rows equal to answered saves.
 */
describe('Soak: 100 sessions browsing and filing', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp({ loginRateLimit: { maxPerWindow: 1000, windowSeconds: 60 } });
    testApp.app.get(Clock).now = () => new Date('2026-11-20T10:00:00+08:00');
  });

  afterAll(async () => {
    await testApp.close();
  });

  for (const [seconds, tag] of [
    [60, 'soak-60'],
    [600, 'soak-600'],
  ] as const) {
    it(
      `should hold for ${seconds} s: no server error, p95 under 300 ms`,
      async () => {
        const result = await runLoad(testApp, {
          sessions: 100,
          seconds,
          thinkMs: [500, 1500],
          tag,
        });
        console.log(`load ${seconds} s: ${JSON.stringify(result)}`);
        expect(result.serverErrors).toBe(0);
        expect(result.otherErrors).toBe(0);
        expect(result.savedRows).toBe(result.submissions);
        expect(result.p95).toBeLessThan(300);
      },
      (seconds + 120) * 1000,
    );
  }
});
