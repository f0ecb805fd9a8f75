#!/usr/bin/env node
/**
 * `npm run setup:native [-- OPTIONS]` — the native TensorFlow backend as an explicit opt-in.
 *
 * `npm install` never runs the install scripts of `@tensorflow/tfjs-node` / `-gpu` (they are `false` in
 * package.json `allowScripts`, so installs stay offline-clean). This command runs that install script on
 * purpose, with its downloads enabled:
 *   1. libtensorflow 2.9.1 (cpu or gpu build) from `TFJS_NODE_CDN_STORAGE` (default https://storage.googleapis.com/);
 *   2. the prebuilt N-API addon `tfjs_binding.node` through node-pre-gyp (host `binary.host` of the package, or the
 *      mirror's `tf-builds/pre-built-binary/`, or a `custom-binary.json` addon entry);
 *   3. then it checks, in a fresh process, that the backend really loads (`zsnas backends --only tensorflow`).
 *
 * Options (flags win over environment variables):
 *   --gpu | --cpu | --variant cpu|gpu    which package (env ZSNAS_NATIVE; default cpu = @tensorflow/tfjs-node)
 *   --mirror URL                         lab mirror laid out like storage.googleapis.com (env TFJS_NODE_CDN_STORAGE,
 *                                        npm_config_tfjs_node_cdn_storage, CDN_STORAGE); used for libtensorflow and,
 *                                        unless --addon-mirror is given, for the addon (URL + 'tf-builds/pre-built-binary/')
 *   --base-uri URL                       full libtensorflow prefix (env TFJS_NODE_BASE_URI), e.g. URL/libtensorflow-
 *   --addon-mirror URL                   https host of the prebuilt addons (env npm_config_tfjs_binding_binary_host_mirror)
 *   --custom-binary FILE                 a custom-binary.json (default: scripts/custom-binary.json when it exists):
 *                                        {"tf-lib": URL, "addon": {"host", "remote_path", "package_name"}}; copied into
 *                                        the package's scripts/ folder, where its install script reads it
 *   --dry-run                            print the plan (URLs, environment) as JSON and stop
 *
 * Exit codes: 0 installed and loads; 1 install or load failed (the reason is printed); 2 bad options.
 *
 * The plan is computed by pure, exported functions (tested in tests/scripts/setup-native.test.ts) that mirror
 * what tfjs-node 4.22's scripts/install.js and @mapbox/node-pre-gyp 1.0.9 do with the same inputs.
 */
import { spawn, spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { delimiter, dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

/** libtensorflow version tfjs-node 4.x links against (scripts/deps-constants.js). */
export const LIBTENSORFLOW_VERSION = '2.9.1'
export const DEFAULT_CDN = 'https://storage.googleapis.com/'
const PLATFORM = { darwin: 'darwin', linux: 'linux', win32: 'windows' }
const ARCH = { x64: 'x86_64', arm64: 'arm64' }
const SUPPORTED = ['cpu-darwin-x86_64', 'gpu-linux-x86_64', 'cpu-linux-x86_64', 'cpu-windows-x86_64', 'gpu-windows-x86_64']

/** A user-caused setup error: `code` as in ZsnasError, `message` names the flag/file, what is wrong, what was expected. */
export class SetupError extends Error {
  constructor(code, message) {
    super(message)
    this.name = 'SetupError'
    this.code = code
  }
}

/** The npm package of a variant. */
export function packageOf(variant) {
  return variant === 'gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node'
}

/**
 * A mirror/host URL: http(s) only (https only when `httpsOnly`, node-pre-gyp refuses http hosts), always
 * ending in '/' (install.js appends 'tensorflow/libtensorflow/…' to it without a separator).
 */
export function normalizeHost(value, what, httpsOnly = false) {
  let u
  try {
    u = new URL(String(value).trim())
  } catch {
    throw new SetupError('INVALID_OPTION', `${what}: '${value}' is not a URL; expected e.g. https://mirror.lab.example/`)
  }
  const ok = httpsOnly ? u.protocol === 'https:' : u.protocol === 'https:' || u.protocol === 'http:'
  if (!ok) {
    throw new SetupError(
      'INVALID_OPTION',
      `${what}: protocol '${u.protocol}' is not allowed; expected ${httpsOnly ? 'https: (node-pre-gyp refuses other hosts)' : 'http: or https:'}`,
    )
  }
  const s = u.toString()
  return s.endsWith('/') ? s : `${s}/`
}

/**
 * Parses flags and environment into setup options. Throws SetupError('INVALID_OPTION') on an unknown flag,
 * a missing value or a bad variant/URL.
 */
export function parseSetupArgs(argv, env = {}) {
  const o = { variant: undefined, mirror: undefined, baseUri: undefined, addonMirror: undefined, customBinary: undefined, dryRun: false }
  const value = (i, flag) => {
    const v = argv[i + 1]
    if (v === undefined || v.startsWith('--')) throw new SetupError('INVALID_OPTION', `${flag} needs a value`)
    return v
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--gpu' || a === '--cpu') {
      const v = a.slice(2)
      if (o.variant !== undefined && o.variant !== v) throw new SetupError('INVALID_OPTION', `--cpu and --gpu are exclusive; got both`)
      o.variant = v
    } else if (a === '--variant') o.variant = value(i++, a)
    else if (a === '--mirror') o.mirror = value(i++, a)
    else if (a === '--base-uri') o.baseUri = value(i++, a)
    else if (a === '--addon-mirror') o.addonMirror = value(i++, a)
    else if (a === '--custom-binary') o.customBinary = value(i++, a)
    else if (a === '--dry-run') o.dryRun = true
    else {
      throw new SetupError(
        'INVALID_OPTION',
        `unknown option '${a}'; expected --gpu, --cpu, --variant, --mirror, --base-uri, --addon-mirror, --custom-binary, --dry-run`,
      )
    }
  }
  const nonEmpty = (v) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined)
  const variantSource = o.variant !== undefined ? '--variant' : 'ZSNAS_NATIVE'
  o.variant = o.variant ?? nonEmpty(env.ZSNAS_NATIVE)?.toLowerCase() ?? 'cpu'
  if (o.variant !== 'cpu' && o.variant !== 'gpu') {
    throw new SetupError('INVALID_OPTION', `${variantSource}: '${o.variant}' is not a variant; expected cpu or gpu`)
  }
  const mirror = o.mirror ?? nonEmpty(env.TFJS_NODE_CDN_STORAGE) ?? nonEmpty(env.npm_config_tfjs_node_cdn_storage) ?? nonEmpty(env.CDN_STORAGE)
  o.mirror = mirror === undefined ? undefined : normalizeHost(mirror, o.mirror !== undefined ? '--mirror' : 'TFJS_NODE_CDN_STORAGE')
  const baseUri = o.baseUri ?? nonEmpty(env.TFJS_NODE_BASE_URI) ?? nonEmpty(env.npm_config_tfjs_node_base_uri)
  if (baseUri !== undefined) {
    // a prefix, not a folder: no trailing '/' is added (install.js appends 'gpu-linux-x86_64-2.9.1.tar.gz')
    normalizeHost(baseUri, o.baseUri !== undefined ? '--base-uri' : 'TFJS_NODE_BASE_URI')
    o.baseUri = baseUri
  }
  const addon = o.addonMirror ?? nonEmpty(env.npm_config_tfjs_binding_binary_host_mirror)
  o.addonMirror = addon === undefined ? undefined : normalizeHost(addon, o.addonMirror !== undefined ? '--addon-mirror' : 'npm_config_tfjs_binding_binary_host_mirror', true)
  return o
}

/**
 * Validates the text of a custom-binary.json (the format of tfjs-node's scripts/custom-binary.sample.json).
 * Returns `{ tfLib?: string, addon?: {host, remote_path, package_name} }`.
 */
export function parseCustomBinary(text, file) {
  let j
  try {
    j = JSON.parse(text)
  } catch (e) {
    throw new SetupError('INVALID_FORMAT', `${file}: not JSON (${e.message}); expected {"tf-lib": URL, "addon": {...}}`)
  }
  if (j === null || typeof j !== 'object' || Array.isArray(j)) throw new SetupError('INVALID_FORMAT', `${file}: expected a JSON object`)
  for (const k of Object.keys(j)) {
    if (k !== 'tf-lib' && k !== 'addon') throw new SetupError('INVALID_FORMAT', `${file}: unknown key '${k}'; expected "tf-lib" and/or "addon"`)
  }
  const out = {}
  if (j['tf-lib'] !== undefined) {
    if (typeof j['tf-lib'] !== 'string') throw new SetupError('INVALID_FORMAT', `${file}: "tf-lib" must be a URL string`)
    normalizeHost(j['tf-lib'], `${file} "tf-lib"`)
    out.tfLib = j['tf-lib']
  }
  if (j.addon !== undefined) {
    const a = j.addon
    if (a === null || typeof a !== 'object' || Array.isArray(a)) throw new SetupError('INVALID_FORMAT', `${file}: "addon" must be an object`)
    for (const k of ['host', 'remote_path', 'package_name']) {
      if (typeof a[k] !== 'string' || a[k] === '') {
        throw new SetupError('INVALID_FORMAT', `${file}: "addon.${k}" must be a non-empty string (host, remote_path and package_name are all needed)`)
      }
    }
    normalizeHost(a.host, `${file} "addon.host"`, true)
    if (!a.remote_path.includes('{napi_build_version}') && !a.package_name.includes('{napi_build_version}')) {
      // node-pre-gyp's napi check: tfjs-node lists napi_versions, so one of the two must name the N-API build
      throw new SetupError(
        'INVALID_FORMAT',
        `${file}: "addon.remote_path" or "addon.package_name" must contain '{napi_build_version}' (node-pre-gyp refuses the addon otherwise), e.g. "napi-v{napi_build_version}/"`,
      )
    }
    out.addon = { host: a.host, remote_path: a.remote_path, package_name: a.package_name }
  }
  return out
}

/** node-pre-gyp's choice: the highest N-API version the package lists that this Node supports. */
export function napiBuildVersion(listed, nodeNapi) {
  const ok = listed.filter((v) => v <= nodeNapi)
  if (ok.length === 0) throw new SetupError('UNSUPPORTED', `Node's N-API ${nodeNapi} is below every version the addon is built for (${listed.join(', ')})`)
  return Math.max(...ok)
}

function template(s, vars) {
  return s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m))
}

/** The libtensorflow archive install.js downloads (same branches, same order). */
export function libtensorflowUrl({ variant, platform, arch, mirror, baseUri, tfLib }) {
  const host = mirror ?? DEFAULT_CDN
  let system = `${variant}-${PLATFORM[platform]}-${ARCH[arch]}`
  if (platform === 'darwin') {
    if (arch === 'arm64') return `${host}tf-builds/libtensorflow_r2_7_darwin_arm64_cpu.tar.gz`
    system = `cpu-${PLATFORM[platform]}-${ARCH[arch]}`
  }
  if (tfLib !== undefined) return tfLib
  if (platform === 'linux' && arch === 'arm') return `${host}tf-builds/libtensorflow_r2_5_linux_arm7l.tar.gz`
  if (platform === 'linux' && arch === 'arm64') return `${host}tf-builds/libtensorflow_r2_7_linux_arm64.tar.gz`
  if (!SUPPORTED.includes(system)) {
    throw new SetupError('UNSUPPORTED', `libtensorflow has no ${variant} build for ${platform}-${arch}; supported: ${SUPPORTED.join(', ')}`)
  }
  const prefix = baseUri ?? `${host}tensorflow/libtensorflow/libtensorflow-`
  return `${prefix}${system}-${LIBTENSORFLOW_VERSION}.${platform === 'win32' ? 'zip' : 'tar.gz'}`
}

/**
 * The whole plan for one variant: what is downloaded from where, the environment the install script gets,
 * and whether the addon is built from source (custom libtensorflow without a custom addon, as install.js does).
 * `pkg` is the package.json of the installed tfjs-node(-gpu) (name, version, binary).
 */
export function resolvePlan({ options, pkg, platform, arch, nodeNapi, customBinary = {} }) {
  const { variant, mirror, baseUri } = options
  const libUrl = libtensorflowUrl({ variant, platform, arch, mirror, baseUri, tfLib: customBinary.tfLib })
  const napi = napiBuildVersion(pkg.binary.napi_versions, nodeNapi)
  const vars = { napi_build_version: napi, version: pkg.version }
  const addonMirror = options.addonMirror ?? (mirror !== undefined ? `${mirror}tf-builds/pre-built-binary/` : undefined)
  let addonUrl
  if (customBinary.addon !== undefined) {
    const a = customBinary.addon
    addonUrl = new URL(template(a.package_name, vars), new URL(template(a.remote_path, vars), normalizeHost(a.host, 'addon.host', true))).toString()
  } else {
    const host = normalizeHost(addonMirror ?? pkg.binary.host, 'addon host', true)
    const remote = template(pkg.binary.remote_path, vars).replace(/\/+$/, '') + '/'
    const name = `${pkg.name.includes('gpu') ? 'GPU' : 'CPU'}-${PLATFORM[platform]}-${pkg.version}.${platform === 'win32' ? 'zip' : 'tar.gz'}`
    addonUrl = new URL(name, new URL(remote, host)).toString()
  }
  const env = {}
  if (mirror !== undefined) env.TFJS_NODE_CDN_STORAGE = mirror
  if (baseUri !== undefined) env.TFJS_NODE_BASE_URI = baseUri
  if (addonMirror !== undefined && customBinary.addon === undefined) env.npm_config_tfjs_binding_binary_host_mirror = addonMirror
  return {
    variant,
    package: pkg.name,
    version: pkg.version,
    libtensorflow: { version: LIBTENSORFLOW_VERSION, url: libUrl },
    addon: { napi, url: addonUrl, buildFromSource: customBinary.tfLib !== undefined && customBinary.addon === undefined },
    env,
    installArgs: ['scripts/install.js', variant, 'download'],
  }
}

/**
 * Runs the package's own install script (`node scripts/install.js <cpu|gpu> download`) in `pkgDir` with the plan's
 * environment, after copying `customBinarySource` (if any) to `pkgDir/scripts/custom-binary.json`, where the script
 * reads it. node-pre-gyp is found on PATH (the package's and the repo's node_modules/.bin). On failure the
 * package.json the script edits is restored. Resolves to `{ status, output }` (output with stdio 'pipe', or 'tee':
 * captured and echoed to stderr as it comes);
 * `timeoutMs` kills the script (status null).
 */
export async function runInstallScript({ plan, pkgDir, repo, customBinarySource, env: baseEnv = process.env, stdio = 'inherit', timeoutMs }) {
  if (customBinarySource !== undefined) copyFileSync(customBinarySource, join(pkgDir, 'scripts', 'custom-binary.json'))
  const bins = [join(pkgDir, 'node_modules', '.bin'), join(repo, 'node_modules', '.bin')]
  const env = { ...baseEnv, ...plan.env, PATH: [...bins, baseEnv.PATH ?? ''].join(delimiter) }
  // install.js writes binary.package_name into package.json and exits before restoring it when node-pre-gyp fails
  const pkgFile = join(pkgDir, 'package.json')
  const original = readFileSync(pkgFile, 'utf8')
  const child = spawn(process.execPath, plan.installArgs, { cwd: pkgDir, env, stdio: stdio === 'tee' ? 'pipe' : stdio })
  let output = ''
  const take = (d) => {
    output += d
    if (stdio === 'tee') process.stderr.write(d)
  }
  child.stdout?.on('data', take)
  child.stderr?.on('data', take)
  const timer = timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  const status = await new Promise((done) => {
    child.on('error', () => done(null))
    child.on('close', (code) => done(code))
  })
  if (timer !== undefined) clearTimeout(timer)
  if (status !== 0) writeFileSync(pkgFile, original)
  return { status, output }
}

/**
 * The network error in an install script's output, if any: `{ code, host }` from Node's error dump
 * (`code: 'ENOTFOUND' … hostname: 'storage.googleapis.com'`) or a one-line `ECONNREFUSED 127.0.0.1:9`. Pure.
 */
export function networkFailure(output) {
  const dump = output.match(/\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ECONNRESET)\b[\s\S]{0,300}?hostname: '([^']+)'/)
  if (dump !== null) return { code: dump[1], host: dump[2] }
  const line = output.match(/\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ECONNRESET) ([^\s,]+)/)
  return line === null ? null : { code: line[1], host: line[2] }
}

// ---------------------------------------------------------------------------------------------------------------

function fail(e) {
  if (e instanceof SetupError) {
    process.stderr.write(`setup:native: error [${e.code}]: ${e.message}\n`)
    return 2
  }
  throw e
}

async function main(argv) {
  const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..')
  const options = parseSetupArgs(argv, process.env)
  const require = createRequire(join(repo, 'package.json'))
  let pkgJson
  try {
    pkgJson = require.resolve(`${packageOf(options.variant)}/package.json`)
  } catch {
    throw new SetupError(
      'NOT_INSTALLED',
      `${packageOf(options.variant)} is not in node_modules (it is an optional dependency): run \`npm install\` first (or \`npm install --no-save ${packageOf(options.variant)}@4.22.0\`)`,
    )
  }
  const pkgDir = dirname(pkgJson)
  const pkg = JSON.parse(readFileSync(pkgJson, 'utf8'))
  const target = join(pkgDir, 'scripts', 'custom-binary.json')
  const source = options.customBinary ?? (existsSync(join(repo, 'scripts', 'custom-binary.json')) ? join(repo, 'scripts', 'custom-binary.json') : undefined)
  let customBinary = {}
  if (source !== undefined) {
    if (!existsSync(source)) throw new SetupError('FILE_NOT_FOUND', `--custom-binary: ${source} does not exist`)
    customBinary = parseCustomBinary(readFileSync(source, 'utf8'), source)
  } else if (existsSync(target)) {
    customBinary = parseCustomBinary(readFileSync(target, 'utf8'), target) // install.js reads it: the plan must too
  }
  const plan = resolvePlan({ options, pkg, platform: process.platform, arch: process.arch, nodeNapi: Number(process.versions.napi), customBinary })
  if (options.dryRun) {
    process.stdout.write(`${JSON.stringify({ ...plan, packageDir: pkgDir, customBinary: source ?? (existsSync(target) ? target : null) }, null, 2)}\n`)
    return 0
  }
  process.stderr.write(
    `setup:native: ${plan.package}@${plan.version}\n  libtensorflow ${plan.libtensorflow.version}: ${plan.libtensorflow.url}\n  addon (N-API ${plan.addon.napi}): ${plan.addon.buildFromSource ? 'built from source (custom tf-lib, no custom addon)' : plan.addon.url}\n`,
  )
  const r = await runInstallScript({ plan, pkgDir, repo, customBinarySource: source, stdio: 'tee' })
  if (r.status !== 0) {
    process.stderr.write(`setup:native: the install script of ${plan.package} failed (exit ${r.status ?? 'killed'}); see its output above\n`)
    const net = networkFailure(r.output)
    if (net !== null) {
      process.stderr.write(`setup:native: ${net.host} is not reachable (${net.code}): use a lab mirror (--mirror URL or TFJS_NODE_CDN_STORAGE, see README "Native TensorFlow backend")\n`)
    }
    return 1
  }
  // the proof: a fresh process loads the backend the way the engine does
  const check = spawnSync(process.execPath, [join(repo, 'bin', 'zsnas.mjs'), 'backends', '--only', 'tensorflow'], {
    cwd: repo,
    env: { ...process.env, ZSNAS_NATIVE: options.variant },
    stdio: 'inherit',
  })
  if (check.status !== 0) {
    process.stderr.write('setup:native: installed, but the tensorflow backend does not load (reason above)\n')
    return 1
  }
  process.stderr.write('setup:native: done; the engine now prefers the tensorflow backend (force with ZSNAS_BACKEND=tensorflow)\n')
  return 0
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => process.exit(fail(e)),
  )
}
