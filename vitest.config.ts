import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'

// Engine tests run in Node (tfjs wasm is single-threaded, so files run in forks);
// renderer component tests opt into happy-dom with a `// @vitest-environment happy-dom` pragma.
export default defineConfig({
  plugins: [vue()],
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: process.env.CI ? ['default', ['json', { outputFile: 'test-output/vitest.json' }]] : ['default'],
  },
})
