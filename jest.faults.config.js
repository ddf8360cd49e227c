/**
 * `npm run test:faults`: the fault-injection suite (test/faults/, docs/RELIABILITY.md). Each file starts
 * its own PostgreSQL, redis-server, Stripe stand-in, api and workers, and kills or restarts them, so it
 * is not part of `npm test`; CI runs it as its own step. One file at a time: the machine is small.
 */
const transform = { '^.+\\.(t|j)sx?$': ['@swc/jest'] };

module.exports = {
  displayName: 'faults',
  transform,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['<rootDir>/test/faults/**/*.faults.test.ts'],
  setupFiles: ['<rootDir>/test/support/env.ts'],
  testTimeout: 90_000,
  maxWorkers: 1,
};
