/**
 * Packaging of the desktop app with electron-builder (`npm run dist`:
 * electron-vite build, then electron-builder for the host platform).
 *
 * Security contract (issue #22, Electron checklist):
 *  - `asar: true`: the app ships as app.asar — required by the
 *    OnlyLoadAppFromAsar and EnableEmbeddedAsarIntegrityValidation fuses;
 *  - `afterPack`: flips the fuses of electron-fuses.config.ts (`FUSES`, every V1
 *    fuse set explicitly) in the packaged Electron executable. electron-builder
 *    runs afterPack after copying the app and BEFORE signing, so the signature
 *    covers the flipped binary. electron-builder's own `electronFuses` option is
 *    left unset, so the fuses are flipped once, from one declaration;
 *  - only the build output (`out/`) and package.json are packed (plus the
 *    production dependencies electron-builder adds); sources, tests, benches
 *    and docs are not. Native addons (`*.node`) are unpacked next to the asar
 *    so they can be loaded.
 * Checked by tests/main/electron-builder.test.ts (loaded with electron-builder's
 * own config reader and schema; the hook called on fake packaged binaries).
 */
import type { Configuration } from 'electron-builder'
import { afterPack } from './electron-fuses.config'

const config: Configuration = {
  appId: 'org.zsnas.studio',
  productName: 'ZSNAS Studio',
  executableName: 'zsnas-studio',
  directories: { output: 'dist', buildResources: 'build' },
  files: ['out/**/*', 'package.json', '!**/*.map'],
  asar: true,
  asarUnpack: ['**/*.node'],
  afterPack,
  linux: { target: ['AppImage'], category: 'Science' },
  mac: { target: ['dmg'], category: 'public.app-category.developer-tools', hardenedRuntime: true },
  win: { target: ['nsis'] },
}

export default config
