/**
 * Build of the Vue renderer alone (same settings as the electron-vite
 * renderer build: relative asset paths, Vue SFCs, the CSP <meta> tag) into any
 * folder. Used by tests and by anyone serving the UI without electron-vite.
 */
import path from 'node:path'
import vue from '@vitejs/plugin-vue'
import { build, type Plugin } from 'vite'
import { contentSecurityPolicy } from '../shared/csp'

/** Inserts the renderer CSP as a <meta> tag right after the charset tag. */
export function cspMetaPlugin(): Plugin {
  return {
    name: 'zsnas-csp-meta',
    transformIndexHtml(html: string) {
      const csp = contentSecurityPolicy(['ws://127.0.0.1:*', 'ws://localhost:*'], { meta: true })
      return html.replace('<meta charset="UTF-8" />', `<meta charset="UTF-8" />\n    <meta http-equiv="Content-Security-Policy" content="${csp}" />`)
    },
  }
}

export async function buildRenderer(outDir: string, root = path.resolve('src/renderer')): Promise<void> {
  await build({
    configFile: false,
    root,
    base: './',
    logLevel: 'warn',
    plugins: [vue(), cspMetaPlugin()],
    build: { outDir: path.resolve(outDir), emptyOutDir: true, reportCompressedSize: false, chunkSizeWarningLimit: 4096 },
  })
}
