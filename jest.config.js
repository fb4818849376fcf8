/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  setupFiles: ['<rootDir>/test/setup-env.js'],
  testTimeout: 60_000,
  maxWorkers: 2,
  // Handlers log every step (Powertools, through the console in tests): on success that is noise. Tests that check
  // logs capture them themselves; `npx jest --silent=false <file>` shows them while debugging.
  silent: true,
};
