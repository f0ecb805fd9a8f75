/**
 * `npm run setup:native` (scripts/setup-native.mjs): option/mirror/custom-binary resolution as pure functions,
 * checked against hand-written published URLs and against node-pre-gyp's own URL logic (a second implementation),
 * and end to end against tfjs-node's real install script on a copy of the package and a local mock mirror
 * (the shared node_modules is never touched).
 */
import { createRequire } from 'node:module'
import { createServer, type Server } from 'node:http'
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { execFileSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  libtensorflowUrl,
  napiBuildVersion,
  networkFailure,
  parseCustomBinary,
  parseSetupArgs,
  resolvePlan,
  runInstallScript,
  type NativePackageJson,
} from '../../scripts/setup-native.mjs'

const repo = resolve(__dirname, '../..')
const require = createRequire(join(repo, 'package.json'))
const cpuPkgDir = join(repo, 'node_modules/@tensorflow/tfjs-node')
const gpuPkgDir = join(repo, 'node_modules/@tensorflow/tfjs-node-gpu')
const readPkg = (dir: string): NativePackageJson => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))

describe('parseSetupArgs', () => {
  it('defaults to the cpu package and no mirror', () => {
    expect(parseSetupArgs([], {})).toEqual({
      variant: 'cpu',
      mirror: undefined,
      baseUri: undefined,
      addonMirror: undefined,
      customBinary: undefined,
      dryRun: false,
    })
  })

  it('takes the variant from ZSNAS_NATIVE, flags winning', () => {
    expect(parseSetupArgs([], { ZSNAS_NATIVE: 'GPU' }).variant).toBe('gpu')
    expect(parseSetupArgs(['--cpu'], { ZSNAS_NATIVE: 'gpu' }).variant).toBe('cpu')
    expect(parseSetupArgs(['--variant', 'gpu'], {}).variant).toBe('gpu')
  })

  it('reads the mirror from TFJS_NODE_CDN_STORAGE (and the npm_config_ / CDN_STORAGE spellings install.js reads) and adds the trailing slash', () => {
    expect(parseSetupArgs([], { TFJS_NODE_CDN_STORAGE: 'https://m.lab/gcs' }).mirror).toBe('https://m.lab/gcs/')
    expect(parseSetupArgs([], { npm_config_tfjs_node_cdn_storage: 'http://m.lab/' }).mirror).toBe('http://m.lab/')
    expect(parseSetupArgs([], { CDN_STORAGE: 'https://c.lab/' }).mirror).toBe('https://c.lab/')
    expect(parseSetupArgs(['--mirror', 'https://flag.lab'], { TFJS_NODE_CDN_STORAGE: 'https://env.lab/' }).mirror).toBe('https://flag.lab/')
  })

  it.each([
    [['--variant', 'tpu'], {}, /--variant: 'tpu' is not a variant; expected cpu or gpu/],
    [[], { ZSNAS_NATIVE: 'rocm' }, /ZSNAS_NATIVE: 'rocm' is not a variant/],
    [['--cpu', '--gpu'], {}, /exclusive/],
    [['--mirror'], {}, /--mirror needs a value/],
    [['--mirror', 'ftp://m.lab/'], {}, /--mirror: protocol 'ftp:' is not allowed/],
    [['--mirror', 'not a url'], {}, /--mirror: 'not a url' is not a URL/],
    [[], { TFJS_NODE_CDN_STORAGE: 'file:///srv' }, /TFJS_NODE_CDN_STORAGE: protocol 'file:'/],
    [['--addon-mirror', 'http://m.lab/'], {}, /--addon-mirror: protocol 'http:' is not allowed; expected https:/],
    [['--frobnicate'], {}, /unknown option '--frobnicate'/],
  ] as const)('refuses %j %j', (argv, env, msg) => {
    expect(() => parseSetupArgs([...argv], env)).toThrow(msg)
    try {
      parseSetupArgs([...argv], env)
    } catch (e) {
      expect((e as { code: string }).code).toBe('INVALID_OPTION')
    }
  })
})

describe('libtensorflowUrl (the archive tfjs-node 4.22 install.js downloads)', () => {
  it('is the published libtensorflow 2.9.1 archive by default', () => {
    // the URLs listed at https://www.tensorflow.org/install/lang_c for 2.9.1 style builds
    expect(libtensorflowUrl({ variant: 'gpu', platform: 'linux', arch: 'x64' })).toBe(
      'https://storage.googleapis.com/tensorflow/libtensorflow/libtensorflow-gpu-linux-x86_64-2.9.1.tar.gz',
    )
    expect(libtensorflowUrl({ variant: 'cpu', platform: 'linux', arch: 'x64' })).toBe(
      'https://storage.googleapis.com/tensorflow/libtensorflow/libtensorflow-cpu-linux-x86_64-2.9.1.tar.gz',
    )
    expect(libtensorflowUrl({ variant: 'gpu', platform: 'win32', arch: 'x64' })).toBe(
      'https://storage.googleapis.com/tensorflow/libtensorflow/libtensorflow-gpu-windows-x86_64-2.9.1.zip',
    )
  })

  it('follows install.js special cases: macOS has only cpu builds, arm64 uses tf-builds archives', () => {
    expect(libtensorflowUrl({ variant: 'gpu', platform: 'darwin', arch: 'x64' })).toBe(
      'https://storage.googleapis.com/tensorflow/libtensorflow/libtensorflow-cpu-darwin-x86_64-2.9.1.tar.gz',
    )
    expect(libtensorflowUrl({ variant: 'cpu', platform: 'darwin', arch: 'arm64', mirror: 'https://m.lab/' })).toBe(
      'https://m.lab/tf-builds/libtensorflow_r2_7_darwin_arm64_cpu.tar.gz',
    )
    expect(libtensorflowUrl({ variant: 'cpu', platform: 'linux', arch: 'arm64' })).toBe(
      'https://storage.googleapis.com/tf-builds/libtensorflow_r2_7_linux_arm64.tar.gz',
    )
    expect(() => libtensorflowUrl({ variant: 'cpu', platform: 'linux', arch: 'ia32' })).toThrow(/no cpu build for linux-ia32/)
  })

  it('honours the mirror, TFJS_NODE_BASE_URI and a custom tf-lib, in install.js order', () => {
    expect(libtensorflowUrl({ variant: 'gpu', platform: 'linux', arch: 'x64', mirror: 'http://m.lab/gcs/' })).toBe(
      'http://m.lab/gcs/tensorflow/libtensorflow/libtensorflow-gpu-linux-x86_64-2.9.1.tar.gz',
    )
    expect(libtensorflowUrl({ variant: 'gpu', platform: 'linux', arch: 'x64', mirror: 'http://m/', baseUri: 'https://b.lab/tf-' })).toBe(
      'https://b.lab/tf-gpu-linux-x86_64-2.9.1.tar.gz',
    )
    expect(libtensorflowUrl({ variant: 'gpu', platform: 'linux', arch: 'x64', baseUri: 'https://b/', tfLib: 'https://c.lab/tf.tar.gz' })).toBe(
      'https://c.lab/tf.tar.gz',
    )
  })
})

describe('addon URL agrees with node-pre-gyp 1.0.9 (second implementation)', () => {
  const versioning = require('@mapbox/node-pre-gyp/lib/util/versioning.js') as {
    evaluate(pkg: unknown, opts: Record<string, unknown>, napiBuildVersion?: number): { hosted_tarball: string }
  }
  /** What node-pre-gyp requests once install.js has set binary.package_name (its updateAddonName). */
  function preGypUrl(dir: string, env: Record<string, string>, napi: number): string {
    const pkg = readPkg(dir)
    const gpu = pkg.name.includes('gpu')
    const withName = { ...pkg, binary: { ...pkg.binary, package_name: `${gpu ? 'GPU' : 'CPU'}-linux-${pkg.version}.tar.gz` } }
    const saved = process.env.npm_config_tfjs_binding_binary_host_mirror
    if (env.npm_config_tfjs_binding_binary_host_mirror !== undefined) {
      process.env.npm_config_tfjs_binding_binary_host_mirror = env.npm_config_tfjs_binding_binary_host_mirror
    } else delete process.env.npm_config_tfjs_binding_binary_host_mirror
    try {
      return versioning.evaluate(withName, { target_platform: 'linux', target_arch: 'x64', module_root: dir }, napi).hosted_tarball
    } finally {
      if (saved === undefined) delete process.env.npm_config_tfjs_binding_binary_host_mirror
      else process.env.npm_config_tfjs_binding_binary_host_mirror = saved
    }
  }

  it.each([
    ['cpu', [], cpuPkgDir],
    ['gpu', [], gpuPkgDir],
    ['gpu', ['--mirror', 'https://m.lab/gcs'], gpuPkgDir],
    ['cpu', ['--addon-mirror', 'https://addons.lab/x'], cpuPkgDir],
  ] as const)('%s %j', (variant, flags, dir) => {
    const plan = resolvePlan({
      options: parseSetupArgs(['--variant', variant, ...flags], {}),
      pkg: readPkg(dir),
      platform: 'linux',
      arch: 'x64',
      nodeNapi: 9,
    })
    expect(plan.addon.napi).toBe(8)
    expect(plan.addon.url).toBe(preGypUrl(dir, plan.env, 8))
    if (flags.length === 0) {
      expect(plan.addon.url).toBe(
        `https://storage.googleapis.com/tf-builds/pre-built-binary/napi-v8/4.22.0/${variant.toUpperCase()}-linux-4.22.0.tar.gz`,
      )
    }
  })

  it('a mirror serves the addon from its tf-builds/pre-built-binary/ folder (the storage.googleapis.com layout)', () => {
    const plan = resolvePlan({ options: parseSetupArgs(['--gpu', '--mirror', 'https://m.lab/'], {}), pkg: readPkg(gpuPkgDir), platform: 'linux', arch: 'x64', nodeNapi: 9 })
    expect(plan.addon.url).toBe('https://m.lab/tf-builds/pre-built-binary/napi-v8/4.22.0/GPU-linux-4.22.0.tar.gz')
    expect(plan.env).toEqual({
      TFJS_NODE_CDN_STORAGE: 'https://m.lab/',
      npm_config_tfjs_binding_binary_host_mirror: 'https://m.lab/tf-builds/pre-built-binary/',
    })
    expect(plan.installArgs).toEqual(['scripts/install.js', 'gpu', 'download'])
  })

  it('picks the highest listed N-API version Node supports', () => {
    expect(napiBuildVersion([3, 4, 5, 6, 7, 8], 9)).toBe(8)
    expect(napiBuildVersion([3, 4, 5, 6, 7, 8], 6)).toBe(6)
    expect(() => napiBuildVersion([5, 6], 4)).toThrow(/N-API 4/)
  })
})

describe('networkFailure (the hint to use a mirror when the download host is unreachable)', () => {
  it('reads the host from Node\'s error dump (recorded: install.js offline, here) and from one-line errors', () => {
    const offline = [
      'node:events:497',
      '      throw er; // Unhandled \'error\' event',
      "Error: getaddrinfo ENOTFOUND storage.googleapis.com",
      "  errno: -3008,",
      "  code: 'ENOTFOUND',",
      "  syscall: 'getaddrinfo',",
      "  hostname: 'storage.googleapis.com'",
      '}',
    ].join('\n')
    expect(networkFailure(offline)).toEqual({ code: 'ENOTFOUND', host: 'storage.googleapis.com' })
    expect(networkFailure('request to https://127.0.0.1:9/a failed, reason: connect ECONNREFUSED 127.0.0.1:9 ')).toEqual({
      code: 'ECONNREFUSED',
      host: '127.0.0.1:9',
    })
    expect(networkFailure('gyp ERR! not ok')).toBeNull()
  })
})

describe('custom-binary.json', () => {
  it('accepts the sample format and resolves the addon from it (templates filled)', () => {
    const cb = parseCustomBinary(
      JSON.stringify({ 'tf-lib': 'https://lab/tf.tar.gz', addon: { host: 'https://lab/addons', remote_path: 'napi-v{napi_build_version}/{version}/', package_name: 'mine.tar.gz' } }),
      'cb.json',
    )
    const plan = resolvePlan({ options: parseSetupArgs([], {}), pkg: readPkg(cpuPkgDir), platform: 'linux', arch: 'x64', nodeNapi: 9, customBinary: cb })
    expect(plan.libtensorflow.url).toBe('https://lab/tf.tar.gz')
    expect(plan.addon).toEqual({ napi: 8, url: 'https://lab/addons/napi-v8/4.22.0/mine.tar.gz', buildFromSource: false })
  })

  it('a custom tf-lib without a custom addon means building the addon from source (as install.js does)', () => {
    const cb = parseCustomBinary('{"tf-lib":"https://lab/tf.tar.gz"}', 'cb.json')
    const plan = resolvePlan({ options: parseSetupArgs([], {}), pkg: readPkg(cpuPkgDir), platform: 'linux', arch: 'x64', nodeNapi: 9, customBinary: cb })
    expect(plan.addon.buildFromSource).toBe(true)
  })

  it.each([
    ['{', /cb.json: not JSON/],
    ['[]', /cb.json: expected a JSON object/],
    ['{"tflib":"x"}', /unknown key 'tflib'/],
    ['{"tf-lib": 3}', /"tf-lib" must be a URL string/],
    ['{"addon": {"host": "https://h/", "remote_path": "r/"}}', /"addon.package_name" must be a non-empty string/],
    ['{"addon": {"host": "http://h/", "remote_path": "r/", "package_name": "p"}}', /"addon.host": protocol 'http:'/],
    ['{"addon": {"host": "https://h/", "remote_path": "r/", "package_name": "p.tar.gz"}}', /must contain '\{napi_build_version\}'/],
  ])('refuses %s', (text, msg) => {
    expect(() => parseCustomBinary(text, 'cb.json')).toThrow(msg)
  })
})

describe('end to end: the real tfjs-node install script downloads from the lab mirror', () => {
  let server: Server
  let base = ''
  const hits: string[] = []
  let work = ''
  let archive: Buffer

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'zsnas-setup-native-'))
    // a libtensorflow-shaped archive: lib/libtensorflow.so.2.9.1
    mkdirSync(join(work, 'src/lib'), { recursive: true })
    writeFileSync(join(work, 'src/lib/libtensorflow.so.2.9.1'), 'from-the-mirror')
    execFileSync('tar', ['czf', join(work, 'lib.tar.gz'), '-C', join(work, 'src'), 'lib'])
    archive = readFileSync(join(work, 'lib.tar.gz'))
    server = createServer((req, res) => {
      hits.push(req.url ?? '')
      res.writeHead(200, { 'content-length': archive.length })
      res.end(archive)
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const a = server.address()
    base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`
  })
  afterAll(() => {
    server?.close()
    if (work) rmSync(work, { recursive: true, force: true })
  })

  /** A copy of the package's install files (package.json + scripts/), so the shared node_modules is never written. */
  function copyPackage(dir: string, name: string): string {
    const to = join(work, name)
    cpSync(join(dir, 'package.json'), join(to, 'package.json'))
    cpSync(join(dir, 'scripts'), join(to, 'scripts'), { recursive: true })
    return to
  }
  // the copy resolves install.js' own dependencies (tar, rimraf, …) from the repo; node-gyp fails at once
  // (no headers folder) instead of fetching Node headers from the internet
  const env = { ...process.env, NODE_PATH: join(repo, 'node_modules'), npm_config_nodedir: '/nonexistent-zsnas-node-headers' }

  it('TFJS_NODE_CDN_STORAGE and the addon mirror reach install.js and node-pre-gyp unchanged', async () => {
    const pkgDir = copyPackage(gpuPkgDir, 'gpu')
    const original = readFileSync(join(pkgDir, 'package.json'), 'utf8')
    const plan = resolvePlan({
      options: parseSetupArgs(['--gpu', '--mirror', `${base}/gcs`, '--addon-mirror', 'https://127.0.0.1:9/addons'], {}),
      pkg: readPkg(pkgDir),
      platform: 'linux',
      arch: 'x64',
      nodeNapi: Number(process.versions.napi),
    })
    hits.length = 0
    const r = await runInstallScript({ plan, pkgDir, repo, env, stdio: 'pipe', timeoutMs: 90_000 })
    // libtensorflow came from the mirror at the planned path and was unpacked where the addon build looks for it
    expect(hits).toEqual([new URL(plan.libtensorflow.url).pathname])
    expect(plan.libtensorflow.url).toBe(`${base}/gcs/tensorflow/libtensorflow/libtensorflow-gpu-linux-x86_64-2.9.1.tar.gz`)
    expect(readFileSync(join(pkgDir, 'deps/lib/libtensorflow.so.2.9.1'), 'utf8')).toBe('from-the-mirror')
    // node-pre-gyp asked the addon mirror for exactly the planned tarball (nothing listens there, so it fails)
    expect(r.output).toContain(`GET ${plan.addon.url}`)
    expect(r.status).not.toBe(0)
    // the package.json install.js rewrites is restored after the failure
    expect(readFileSync(join(pkgDir, 'package.json'), 'utf8')).toBe(original)
  })

  it('a custom-binary.json tf-lib is copied next to install.js and downloaded instead', async () => {
    const pkgDir = copyPackage(cpuPkgDir, 'cpu')
    const cbFile = join(work, 'custom-binary.json')
    writeFileSync(cbFile, JSON.stringify({ 'tf-lib': `${base}/lab/libtf-custom.tar.gz`, addon: { host: 'https://127.0.0.1:9/', remote_path: 'a/napi-v{napi_build_version}/', package_name: 'b.tar.gz' } }))
    const cb = parseCustomBinary(readFileSync(cbFile, 'utf8'), cbFile)
    const plan = resolvePlan({ options: parseSetupArgs([], {}), pkg: readPkg(pkgDir), platform: 'linux', arch: 'x64', nodeNapi: Number(process.versions.napi), customBinary: cb })
    hits.length = 0
    const r = await runInstallScript({ plan, pkgDir, repo, customBinarySource: cbFile, env, stdio: 'pipe', timeoutMs: 90_000 })
    expect(existsSync(join(pkgDir, 'scripts/custom-binary.json'))).toBe(true)
    expect(hits).toEqual(['/lab/libtf-custom.tar.gz'])
    expect(plan.addon.url).toBe(`https://127.0.0.1:9/a/napi-v${plan.addon.napi}/b.tar.gz`)
    expect(r.output).toContain(`GET ${plan.addon.url}`)
  })
})
