/**
 * Electron fuses of the packaged app (issue #22, Electron checklist), flipped
 * in the packaged Electron binary with @electron/fuses after packaging.
 *
 *   RunAsNode off                         — ELECTRON_RUN_AS_NODE cannot turn the app into a plain Node
 *   EnableCookieEncryption on             — the cookie store is encrypted with the OS key
 *   EnableNodeOptionsEnvironmentVariable off — NODE_OPTIONS is ignored
 *   EnableNodeCliInspectArguments off     — --inspect / --inspect-brk are ignored
 *   EnableEmbeddedAsarIntegrityValidation on — app.asar is checked against its embedded hash
 *   OnlyLoadAppFromAsar on                — the app is loaded only from app.asar
 *   GrantFileProtocolExtraPrivileges off  — file:// gets no extra privileges (the renderer is on app://)
 *
 * Use: as electron-builder's `afterPack` hook (electron-builder.config.ts imports `afterPack` below;
 * `npm run dist`), or by hand on a packaged binary:
 *   npx tsx electron-fuses.config.ts <path to the packaged Electron executable or .app>
 * Checked by tests/main/fuses.test.ts (values, and a flip on a synthetic fuse wire) and
 * tests/main/electron-builder.test.ts (the packaging config and its hook, end to end).
 */
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { flipFuses, FuseV1Options, FuseVersion, type FuseConfig } from '@electron/fuses'

/** Every V1 fuse set explicitly (strictlyRequireAllFuses: a new Electron fuse fails the flip until decided here). */
export const FUSES: FuseConfig = {
  version: FuseVersion.V1,
  strictlyRequireAllFuses: true,
  resetAdHocDarwinSignature: process.platform === 'darwin',
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableCookieEncryption]: true,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
}

/** Flips `FUSES` in the Electron executable (or macOS .app) at `electronPath`; resolves to the number of wires flipped. */
export function flipAppFuses(electronPath: string): Promise<number> {
  return flipFuses(electronPath, FUSES)
}

/** The packaged executable electron-builder wrote for `platform` into `appOutDir`. */
export function packagedExecutable(appOutDir: string, productFilename: string, platform: string): string {
  if (platform === 'darwin' || platform === 'mas') return path.join(appOutDir, `${productFilename}.app`)
  if (platform === 'win32') return path.join(appOutDir, `${productFilename}.exe`)
  return path.join(appOutDir, productFilename)
}

/** The part of electron-builder's `AfterPackContext` the hook reads. */
export interface AfterPackContextLike {
  appOutDir: string
  electronPlatformName: string
  /** `executableName` exists on electron-builder's LinuxPackager: the Linux binary is named by it, not by productFilename */
  packager: { appInfo: { productFilename: string }; executableName?: string }
}

/**
 * electron-builder `afterPack` hook (electron-builder.config.ts): flips `FUSES`
 * in the packaged executable — `<executableName>` on Linux (as electron-builder
 * names it), `<productFilename>.exe` on Windows, `<productFilename>.app` on macOS.
 * Rejects (failing the build) when the binary has no fuse wire.
 */
export async function afterPack(ctx: AfterPackContextLike): Promise<void> {
  const name = ctx.electronPlatformName === 'linux' ? (ctx.packager.executableName ?? ctx.packager.appInfo.productFilename) : ctx.packager.appInfo.productFilename
  await flipAppFuses(packagedExecutable(ctx.appOutDir, name, ctx.electronPlatformName))
}
export default afterPack

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const target = process.argv[2]
  if (!target) {
    process.stderr.write('usage: npx tsx electron-fuses.config.ts <packaged Electron executable or .app>\n')
    process.exit(2)
  }
  flipAppFuses(path.resolve(target)).then(
    (n) => process.stdout.write(`fuses flipped in ${n} wire(s) of ${target}\n`),
    (e: unknown) => {
      process.stderr.write(`electron-fuses: ${e instanceof Error ? e.message : String(e)}\n`)
      process.exit(1)
    },
  )
}
