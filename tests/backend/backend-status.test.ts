/**
 * Backend report (src/backend/backend-status.ts) and `zsnas backends`: the reasons given for recorded
 * failure messages, the per-backend child processes (a hang and a crash are reported, not thrown), and on this
 * machine the native TensorFlow backend's real failure (its addon is not installed here: npm install never
 * downloads it) next to a backend that loads.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  explainBackendError,
  formatReport,
  probeBackends,
  runProbeChild,
  statusFromAnswer,
  type BackendReport,
} from '../../src/backend/backend-status'
import { main } from '../../src/cli/index'
import { capture } from '../helpers/cli-io'

const repoRequire = createRequire(join(__dirname, '../../package.json'))
/** where tfjs-node looks for its addon (node-pre-gyp module_path for N-API 8) */
const addonPath = join(dirname(repoRequire.resolve('@tensorflow/tfjs-node/package.json')), 'lib/napi-v8/tfjs_binding.node')

describe('explainBackendError', () => {
  it('the missing addon (the message tfjs-node 4.22 throws, recorded here) → setup:native for the right variant', () => {
    const msg =
      'The Node.js native addon module (tfjs_binding.node) can not be found at path: /x/node_modules/@tensorflow/tfjs-node-gpu/lib/napi-v8/tfjs_binding.node. \nPlease run command ...'
    expect(explainBackendError('tfjs-node-gpu', msg)).toEqual({
      reason: 'native addon not installed (npm install does not download it)',
      hint: 'npm run setup:native -- --gpu',
    })
    expect(explainBackendError('tfjs-node', msg).hint).toBe('npm run setup:native')
  })

  it('CUDA 12 machines: libcudart.so.11.0 missing names the CUDA/cuDNN versions and the tfjs issues', () => {
    const r = explainBackendError('tfjs-node-gpu', 'libcudart.so.11.0: cannot open shared object file: No such file or directory')
    expect(r.reason).toBe('CUDA library libcudart.so.11.0 not loadable')
    expect(r.hint).toMatch(/CUDA 11\.2 \+ cuDNN 8\.1/)
    expect(r.hint).toMatch(/#8362, #8187/)
    expect(explainBackendError('tfjs-node-gpu', 'Could not load dynamic library libcudnn.so.8').reason).toBe('CUDA library libcudnn.so.8 not loadable')
  })

  it('no kernels for the GPU (Hopper), libtensorflow, glibc, symbols, missing package, webgpu adapters', () => {
    expect(explainBackendError('tfjs-node-gpu', 'CUDA error: no kernel image is available for execution on the device').reason).toMatch(/no kernels for this GPU/)
    expect(explainBackendError('tfjs-node', 'libtensorflow.so.2: cannot open shared object file').reason).toBe(
      'libtensorflow.so.2 not loadable (libtensorflow 2.9.1 missing or broken)',
    )
    expect(explainBackendError('tfjs-node', "/lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.29' not found").reason).toBe(
      'the prebuilt addon needs glibc 2.29 or newer',
    )
    expect(explainBackendError('tfjs-node', 'tfjs_binding.node: undefined symbol: TFE_NewOp').hint).toBe('re-run npm run setup:native')
    expect(explainBackendError('webgpu', "Cannot find package 'webgpu' imported from /x.js").reason).toBe('package webgpu not installed (optional dependency)')
    expect(explainBackendError('webgpu', 'no Vulkan driver found (no ICD manifest in VK_ICD_FILENAMES or vulkan/icd.d)').reason).toMatch(/^no GPU adapter/)
    expect(explainBackendError('webgpu', 'only a software adapter (google swiftshader); set ZSNAS_BACKEND=webgpu to use it').hint).toMatch(
      /ZSNAS_BACKEND=webgpu/,
    )
    expect(explainBackendError('x', "unknown backend 'webgpu'; expected one of tensorflow, wasm, cpu").reason).toBe('not built into this engine version')
    expect(explainBackendError('x', 'something else\nsecond line')).toEqual({ reason: 'something else' })
  })
})

describe('report rows and text', () => {
  it('builds rows from answers and prints the reasons, fixes, adapter and the selected backend', () => {
    const report: BackendReport = {
      selected: 'webgpu',
      forcedByEnv: null,
      backends: [
        statusFromAnswer(
          'tensorflow',
          { backend: 'tensorflow', ok: false, tried: [{ name: 'tfjs-node-gpu', error: 'libcudart.so.11.0: cannot open shared object file' }] },
          1,
        ),
        statusFromAnswer(
          'webgpu',
          {
            backend: 'webgpu',
            ok: true,
            name: 'webgpu',
            tried: [{ name: 'tfjs-node-gpu', error: 'x' }, { name: 'webgpu' }],
            info: { adapter: { vendor: 'nvidia', architecture: 'hopper', device: '', description: '', isSoftware: false } },
          },
          2,
        ),
        statusFromAnswer('wasm', undefined, 60, 'the probe did not finish within 60 s (killed)'),
      ],
    }
    expect(report.backends[1].available).toBe(true)
    expect(report.backends[2]).toMatchObject({ available: false, candidates: [{ name: 'wasm', reason: 'the probe did not finish within 60 s (killed)' }] })
    const text = formatReport(report)
    expect(text).toContain('tensorflow  not available')
    expect(text).toContain('tfjs-node-gpu: CUDA library libcudart.so.11.0 not loadable (fix: tfjs-node-gpu 4.22 links libtensorflow 2.9.1')
    expect(text).toMatch(/webgpu +available \(selected\) +adapter: nvidia hopper/)
    expect(text).toContain('scoring uses: webgpu (automatic')
  })
})

describe('probe children', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zsnas-probe-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('a probe that hangs is killed after the timeout; one that crashes is reported with its exit code and last stderr line', async () => {
    writeFileSync(join(dir, 'hang.mjs'), 'setInterval(() => {}, 1000)\n')
    writeFileSync(join(dir, 'crash.mjs'), "process.stderr.write('Segmentation fault in dawn\\n'); process.exit(3)\n")
    const hang = await runProbeChild('webgpu', { file: join(dir, 'hang.mjs'), execArgv: [] }, process.env, 1500)
    expect(hang.answer).toBeUndefined()
    expect(hang.failure).toBe('the probe did not finish within 2 s (killed)')
    const crash = await runProbeChild('webgpu', { file: join(dir, 'crash.mjs'), execArgv: [] }, process.env, 20_000)
    expect(crash.failure).toBe('the probe process ended (exit 3) without an answer: Segmentation fault in dawn')
  })

  it('on this machine: tensorflow says why it does not load, cpu loads, automatic selection names a backend', async () => {
    const env = { ...process.env, ZSNAS_BACKEND: 'cpu' }
    const r = await probeBackends({ backends: ['tensorflow', 'cpu'], env })
    expect(r.forcedByEnv).toBe('cpu')
    expect(r.selected).toBe('cpu') // the auto probe keeps ZSNAS_BACKEND; the forced probes drop it
    const [tfRow, cpuRow] = r.backends
    expect(cpuRow).toMatchObject({ backend: 'cpu', available: true, candidates: [{ name: 'cpu', ok: true }] })
    expect(tfRow.candidates.map((c) => c.name)).toEqual(['tfjs-node-gpu', 'tfjs-node'])
    if (!existsSync(addonPath)) {
      // the addon is absent (npm install never downloads it): the reason and the fix are recorded for both variants
      expect(tfRow.available).toBe(false)
      expect(tfRow.candidates[1]).toMatchObject({ ok: false, reason: 'native addon not installed (npm install does not download it)', hint: 'npm run setup:native' })
      expect(tfRow.candidates[1].error).toContain('tfjs_binding.node')
    } else {
      expect(tfRow.available).toBe(true)
    }
  })

  it('zsnas backends --only tensorflow --json: exit 1 with the reason when the addon is absent; bad --only is exit 2', async () => {
    const io = capture()
    const code = await main(['backends', '--only', 'tensorflow', '--json', '--timeout', '120'], io)
    const report = JSON.parse(io.stdout) as BackendReport
    expect(report.backends.map((b) => b.backend)).toEqual(['tensorflow'])
    expect(code).toBe(report.backends[0].available ? 0 : 1)
    if (!existsSync(addonPath)) expect(report.backends[0].candidates[1].hint).toBe('npm run setup:native')
    const bad = capture()
    expect(await main(['backends', '--only', 'tpu'], bad)).toBe(2)
    expect(bad.stderr).toMatch(/--only: unknown backend 'tpu'; expected one of tensorflow, webgpu, wasm, cpu/)
  })
})
