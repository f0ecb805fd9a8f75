/** Types of scripts/setup-native.mjs (a plain Node script, so `npm run setup:native` needs no TypeScript loader). */

export declare const LIBTENSORFLOW_VERSION: string
export declare const DEFAULT_CDN: string
export declare class SetupError extends Error {
  code: string
  constructor(code: string, message: string)
}
export interface SetupOptions {
  variant: 'cpu' | 'gpu'
  mirror?: string
  baseUri?: string
  addonMirror?: string
  customBinary?: string
  dryRun: boolean
}
export interface CustomBinary {
  tfLib?: string
  addon?: { host: string; remote_path: string; package_name: string }
}
export interface NativePackageJson {
  name: string
  version: string
  binary: { host: string; remote_path: string; napi_versions: number[]; [k: string]: unknown }
}
export interface SetupPlan {
  variant: 'cpu' | 'gpu'
  package: string
  version: string
  libtensorflow: { version: string; url: string }
  addon: { napi: number; url: string; buildFromSource: boolean }
  env: Record<string, string>
  installArgs: string[]
}
export declare function packageOf(variant: 'cpu' | 'gpu'): string
export declare function normalizeHost(value: string, what: string, httpsOnly?: boolean): string
export declare function parseSetupArgs(argv: string[], env?: Record<string, string | undefined>): SetupOptions
export declare function parseCustomBinary(text: string, file: string): CustomBinary
export declare function napiBuildVersion(listed: number[], nodeNapi: number): number
export declare function libtensorflowUrl(a: {
  variant: 'cpu' | 'gpu'
  platform: string
  arch: string
  mirror?: string
  baseUri?: string
  tfLib?: string
}): string
export declare function resolvePlan(a: {
  options: SetupOptions
  pkg: NativePackageJson
  platform: string
  arch: string
  nodeNapi: number
  customBinary?: CustomBinary
}): SetupPlan
export declare function runInstallScript(a: {
  plan: SetupPlan
  pkgDir: string
  repo: string
  customBinarySource?: string
  env?: NodeJS.ProcessEnv
  stdio?: 'inherit' | 'pipe' | 'tee'
  timeoutMs?: number
}): Promise<{ status: number | null; output: string }>
export declare function networkFailure(output: string): { code: string; host: string } | null
