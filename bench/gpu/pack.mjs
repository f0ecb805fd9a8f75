#!/usr/bin/env node
/**
 * Packs the GPU check (issue #17 item 5) into ONE folder: `node bench/gpu/pack.mjs OUTDIR`.
 *
 * OUTDIR/zsnas-gpu.tar.xz holds, under `zsnas-gpu/`:
 *   app/backends.js            esbuild bundle of bench/backends.ts (engine + bench; ESM, Node 20)
 *   app/backend-probe-child.js esbuild bundle of the backend probe child (found beside backends.js)
 *   app/zsnas.js               esbuild bundle of the zsnas CLI (`bin/node app/zsnas.js score …`)
 *   node_modules/…             the packages the engine imports by name at run time, as shipped (their Node
 *                              builds only): @tensorflow/tfjs-core, -backend-cpu, -backend-wasm (+ .wasm files),
 *                              -backend-webgpu, webgpu (index.js + dist/linux-x64/dawn.node only), and the small
 *                              pure-JS dependencies of tfjs-core's Node build
 *   bin/node                   a copy of the node binary running this script
 *   lib/libvulkan.so.1         the Vulkan loader Dawn dlopens (when this machine has one), for bare GPU machines
 *   run.sh                     unpacked-side entry: sets the Vulkan environment, runs the bench
 * and OUTDIR/MANIFEST.txt lists every file with its size. Fails (exit 1) when the archive exceeds 60 MiB.
 *
 * Only x86-64 Linux: the Dawn binary and the node binary are this machine's.
 */
import { execFileSync } from 'node:child_process'
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const LIMIT = 60 * 2 ** 20
const outDir = resolve(process.argv[2] ?? join(repo, '.gpu-pack'))
if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.error(`pack: only linux-x64 is supported (this is ${process.platform}-${process.arch})`)
  process.exit(1)
}
const require = createRequire(join(repo, 'package.json'))
const esbuild = require('esbuild')
const stage = join(outDir, 'zsnas-gpu')
rmSync(outDir, { recursive: true, force: true })
mkdirSync(join(stage, 'app'), { recursive: true })

/** Packages resolved at run time by name (engine's importByName, tfjs' own requires): never bundled. */
const EXTERNAL = ['@tensorflow/*', 'webgpu', 'better-sqlite3', 'onnxruntime-node', 'electron']
const banner = "import { createRequire as __zsnasCreateRequire } from 'node:module'; const require = __zsnasCreateRequire(import.meta.url);"
const entries = {
  backends: join(repo, 'bench/backends.ts'),
  'backend-probe-child': join(repo, 'src/backend/backend-probe-child.ts'),
  zsnas: join(repo, 'bench/gpu/zsnas-entry.ts'),
}
await esbuild.build({
  entryPoints: entries,
  outdir: join(stage, 'app'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: EXTERNAL,
  banner: { js: banner },
  logLevel: 'warning',
  minifySyntax: true,
})
writeFileSync(join(stage, 'app/package.json'), '{"type":"module"}\n')

/** Copies a package's package.json plus the given files (relative to the package). */
function copyPackage(name, files) {
  const dir = dirname(require.resolve(`${name}/package.json`))
  const to = join(stage, 'node_modules', name)
  mkdirSync(to, { recursive: true })
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  // only what resolution needs: no scripts (nothing runs at unpack), no exports maps that point at dropped files
  const slim = { name: pkg.name, version: pkg.version, main: pkg.main, ...(pkg.type ? { type: pkg.type } : {}) }
  writeFileSync(join(to, 'package.json'), `${JSON.stringify(slim, null, 2)}\n`)
  for (const f of files) {
    mkdirSync(dirname(join(to, f)), { recursive: true })
    cpSync(join(dir, f), join(to, f), { recursive: true })
  }
}
copyPackage('@tensorflow/tfjs-core', ['dist/tf-core.node.js'])
copyPackage('@tensorflow/tfjs-backend-cpu', ['dist/tf-backend-cpu.node.js'])
copyPackage('@tensorflow/tfjs-backend-wasm', [
  'dist/tf-backend-wasm.node.js',
  'dist/tfjs-backend-wasm.wasm',
  'dist/tfjs-backend-wasm-simd.wasm',
  'dist/tfjs-backend-wasm-threaded-simd.wasm',
])
copyPackage('@tensorflow/tfjs-backend-webgpu', ['dist/tf-backend-webgpu.node.js'])
copyPackage('webgpu', ['index.js', 'dist/linux-x64/dawn.node'])
// tfjs-core's Node build requires these at load (node-fetch for its platform, seedrandom for random ops)
for (const dep of ['seedrandom', 'node-fetch', 'whatwg-url', 'tr46', 'webidl-conversions']) {
  const dir = dirname(require.resolve(`${dep}/package.json`))
  cpSync(dir, join(stage, 'node_modules', dep), { recursive: true })
}

mkdirSync(join(stage, 'bin'), { recursive: true })
copyFileSync(process.execPath, join(stage, 'bin/node'))
chmodSync(join(stage, 'bin/node'), 0o755)
for (const cand of ['/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib/x86_64-linux-gnu/libvulkan.so.1']) {
  if (existsSync(cand)) {
    mkdirSync(join(stage, 'lib'), { recursive: true })
    copyFileSync(cand, join(stage, 'lib/libvulkan.so.1'))
    break
  }
}
copyFileSync(join(repo, 'bench/gpu/run.sh'), join(stage, 'run.sh'))
chmodSync(join(stage, 'run.sh'), 0o755)

function walk(d) {
  return readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]))
}
const files = walk(stage).map((f) => ({ path: relative(outDir, f), size: statSync(f).size }))
const total = files.reduce((a, f) => a + f.size, 0)
execFileSync('tar', ['-C', outDir, '-cf', join(outDir, 'zsnas-gpu.tar.xz'), '--use-compress-program=xz -1 -T2', 'zsnas-gpu'])
rmSync(stage, { recursive: true, force: true })
const packed = statSync(join(outDir, 'zsnas-gpu.tar.xz')).size
const summary = `unpacked ${(total / 2 ** 20).toFixed(1)} MiB in ${files.length} files; zsnas-gpu.tar.xz ${(packed / 2 ** 20).toFixed(1)} MiB (limit 60 MiB)`
writeFileSync(
  join(outDir, 'MANIFEST.txt'),
  [`zsnas GPU check pack, ${new Date().toISOString()}, node ${process.version}`, summary, '', ...files.map((f) => `${String(f.size).padStart(10)}  ${f.path}`)].join('\n') + '\n',
)
console.log(summary)
if (packed > LIMIT) {
  console.error(`pack: ${(packed / 2 ** 20).toFixed(1)} MiB exceeds the 60 MiB limit`)
  process.exit(1)
}
