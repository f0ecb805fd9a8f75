/**
 * electron-vite build of the desktop app:
 *  - main: src/main/index.ts + the scoring worker entry (utilityProcess) src/worker/score-worker.ts;
 *    npm dependencies (tfjs, better-sqlite3, zod, ws) stay external so the wasm files are found in node_modules;
 *  - preload: src/preload/index.ts and the GPU worker windows' src/preload/gpu-worker.ts, each fully bundled
 *    (a sandboxed preload cannot require npm packages);
 *  - renderer: src/renderer (Vue), with the CSP also as a <meta> tag, and the GPU worker page
 *    (src/renderer/gpu-worker.html → src/gpu-worker/main.ts: the engine in a sandboxed page).
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
        },
        output: { entryFileNames: '[name].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      externalizeDeps: false,
      rollupOptions: {
        // index: the app window's; gpu-worker: the GPU worker windows' (src/main/gpu-window.ts), sandboxed too
        input: { index: resolve(__dirname, 'src/preload/index.ts'), 'gpu-worker': resolve(__dirname, 'src/preload/gpu-worker.ts') },
        // sandboxed preloads must be CommonJS (the package is "type": "module", so force it)
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    build: {
      outDir: 'out/renderer',
      // gpu-worker.html: the GPU worker windows' page (src/gpu-worker/: engine + worker loop, no UI)
      rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html'), 'gpu-worker': resolve(__dirname, 'src/renderer/gpu-worker.html') } },
    },
    plugins: [
      vue(),
      cspMetaPlugin(),
    ],
  },
})
