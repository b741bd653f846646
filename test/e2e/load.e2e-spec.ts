import { Clock } from '../../src/common/time/clock.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { runLoad } from '../load/load-scenario.js';

/**
 * Load in the regular suite: 100 logged-in sessions browsing and filing for 20 s give zero 5xx and
 * exactly as many rows as answered saves. The latency goal (p95 under 300 ms for 60 s and for 10
 * minutes) is checked in `npm run test:soak`, which runs alone: here the machine may be busy with
 * other work, so only behaviour is asserted (no error, nothing lost, every session served) and the
 * figures are printed.
 */
describe('Load: 100 sessions browsing and filing', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    // Every session logs in from 127.0.0.1: lift the per-IP login limit for this run only.
    testApp = await createTestApp({ loginRateLimit: { maxPerWindow: 1000, windowSeconds: 60 } });
    testApp.app.get(Clock).now = () => new Date('2026-11-20T10:00:00+08:00');
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('should give no server error and lose no submission', async () => {
    const result = await runLoad(testApp, {
      sessions: 100,
      seconds: 20,
      thinkMs: [500, 1500],
      tag: 'load',
    });
    console.log(`load 20 s: ${JSON.stringify(result)}`);
    expect(result.serverErrors).toBe(0);
    expect(result.otherErrors).toBe(0);
    expect(result.savedRows).toBe(result.submissions);
    // Every session was served at least once (its login counts nothing: these are page views).
    expect(result.requests).toBeGreaterThanOrEqual(100);
  }, 600_000);
});
