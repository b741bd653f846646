import base from './jest.config.js';

/**
 * The long runs (npm run test:soak): the same load and fault scenarios as the regular suite but for
 * minutes instead of seconds. Not part of `npm test` (CI time); run before a release.
 */
export default {
  ...base,
  testMatch: ['**/*.soak-spec.ts'],
  maxWorkers: 1,
  testTimeout: 30 * 60 * 1000,
};
