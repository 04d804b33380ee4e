// One vitest run covers every workspace: unit tests sit next to the code, cross-package tests under test/.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      '{runtime,connectors,generator,templates,infra,sandbox,cli,studio,notification-centre,test}/**/*.test.{ts,tsx}',
    ],
    exclude: ['**/node_modules/**', '**/dist/**', 'test/fixtures/**', '**/generated-out/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
