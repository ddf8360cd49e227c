/** Two projects: fast pure unit tests, and integration tests against real PostgreSQL and Redis. */
const transform = { '^.+\\.(t|j)sx?$': ['@swc/jest'] };
const common = { transform, testEnvironment: 'node', moduleFileExtensions: ['ts', 'js', 'json'] };

module.exports = {
  testTimeout: 30000,
  // One worker per core. Jest's default is one per core but one, a single worker on a 2-core machine,
  // while the integration files mostly wait (PostgreSQL, Redis, child processes, timers) and each has
  // its own database and Redis prefix: two workers there took the suite from 786 s to 445 s
  // (2026-12-04, same machine).
  maxWorkers: '100%',
  // A worker leaves by itself once its last file's teardown is done (no handle but its stdio pipes is
  // left: checked with process.getActiveResourcesInfo() after every file, 2026-12-04), but after a
  // full run that takes longer than Jest's 500 ms default, which then kills it and reports a leak.
  workerGracefulExitTimeout: 5000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{src,realtime,workers,db,openapi,tools,clients}/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.int\\.test\\.ts$'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{src,realtime,workers,db,openapi,tools}/**/*.int.test.ts', '<rootDir>/test/**/*.test.ts'],
      // The fault-injection suite runs on its own (`npm run test:faults`, jest.faults.config.js).
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/faults/'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      setupFiles: ['<rootDir>/test/support/env.ts'],
      // Every HTTP answer and socket event checked against the API contract (and recorded for the report).
      setupFilesAfterEnv: ['<rootDir>/test/support/contract-hooks.ts'],
      slowTestThreshold: 20,
    },
  ],
};
