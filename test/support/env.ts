// Runs in every integration test worker before the test file: quiet, deterministic test mode.
process.env.NODE_ENV = 'test';
process.env.LOG_LEVEL ??= 'silent';
