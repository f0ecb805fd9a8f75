/**
 * electron-vite build of the desktop app:
 *  - main: src/main/index.ts + the scoring worker entry (utilityProcess) src/worker/score-worker.ts + the GPU
 *    worker windows' preload src/main/gpu-window-worker.ts (→ gpu-window-worker.mjs);
 *    npm dependencies (tfjs, better-sqlite3, zod, ws) stay external so the wasm files are found in node_modules;
 *  - preload: src/preload/index.ts, fully bundled (a sandboxed preload cannot require npm packages);
 *  - renderer: src/renderer (Vue), with the CSP also as a <meta> tag.
 */
import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'
import { cspMetaPlugin } from './src/server/renderer-build'

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          'score-worker': resolve(__dirname, 'src/worker/score-worker.ts'),
          // the GPU worker windows' preload (src/main/gpu-window.ts): Electron loads a preload as ESM only as .mjs
          'gpu-window-worker': resolve(__dirname, 'src/main/gpu-window-worker.ts'),
        },
        output: { entryFileNames: (c) => (c.name === 'gpu-window-worker' ? '[name].mjs' : '[name].js') },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        // sandboxed preloads must be CommonJS (the package is "type": "module", so force it)
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    build: {
      outDir: 'out/renderer',
      rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } },
    },
    plugins: [
      vue(),
      cspMetaPlugin(),
    ],
  },
})
