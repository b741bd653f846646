import { createDefaultEsmPreset } from 'ts-jest';

/** Jest runs in native ESM mode (NODE_OPTIONS=--experimental-vm-modules, see package.json). */
export default {
  ...createDefaultEsmPreset({ tsconfig: 'tsconfig.json' }),
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts', '**/*.browser-spec.ts'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // See test/support/content-disposition.cjs.
    '^content-disposition$': '<rootDir>/test/support/content-disposition.cjs',
  },
  globalSetup: '<rootDir>/test/global-setup.mjs',
  globalTeardown: '<rootDir>/test/global-teardown.mjs',
  maxWorkers: 2,
  // Budgets sized for a slow, shared machine (2 cores, other work beside the suite): a test asserts
  // behaviour, never speed; latency and throughput goals live in `npm run bench` and `test:soak`.
  testTimeout: 180_000,
};
