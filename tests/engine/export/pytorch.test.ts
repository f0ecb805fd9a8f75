/**
 * PyTorch export checked numerically (runs when a Python with torch is found,
 * skipped with the printed reason otherwise): for the 9 test architectures the
 * exported model.py, loaded with the exported weights.safetensors through
 * `load_state_dict` (strict), gives in `model.eval()` the engine's eval-mode
 * logits (`bn: 'eval'`) within 1e-4 relative on the same input, and
 * `sum(p.numel())` equals the engine's parameter counter. The Table 11
 * architecture (ImageNet head, R=224) instantiates with exactly the engine's
 * 10,807,432 parameters (= the reference's 10,775,601 "model size" + the BN /
 * bias tensors its counter skips, see onnx.test.ts).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src/engine/backend/select'
import { getSpace } from '../../../src/engine/spaces/registry'
import { countNetwork } from '../../../src/engine/nn/count'
import { disposeParams } from '../../../src/engine/nn/params'
import { exportArchitecture } from '../../../src/engine/export/registry'
import { EXPORT_TEST_ARCHS, TABLE11_AT } from './archs'
import { maxRelDiff, randomInput, scoringStore, storeEvalLogits, toNchw } from './engine-logits'
import { findTorchPython } from './python'

const torchPy = findTorchPython()
if (torchPy.python === null) console.log(`[pytorch export test skipped] ${torchPy.reason}`)

const SEED = 23
const DRIVER = `
import json, sys, importlib.util, os
import torch
jobs = json.load(open(sys.argv[1]))
out = []
for job in jobs:
    d = job["dir"]
    sys.path.insert(0, d)
    spec = importlib.util.spec_from_file_location("model_" + str(len(out)), os.path.join(d, "model.py"))
    mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
    wspec = importlib.util.spec_from_file_location("ew_" + str(len(out)), os.path.join(d, "engine_weights.py"))
    ew = importlib.util.module_from_spec(wspec); wspec.loader.exec_module(ew)
    sys.path.pop(0)
    torch.manual_seed(0)
    model = mod.build_model(job["classes"])
    n_params = sum(p.numel() for p in model.parameters())
    res = {"params": n_params}
    if job.get("forward"):
        model.load_state_dict(ew.load_state_dict_file(os.path.join(d, "weights.safetensors")), strict=True)
        model.eval()
        x = torch.frombuffer(bytearray(open(job["input"], "rb").read()), dtype=torch.float32).reshape(job["shape"])
        with torch.no_grad():
            res["logits"] = model(x).reshape(-1).tolist()
            model.train()  # batch-statistics BN (after the eval pass: it updates the running statistics)
            res["train_logits"] = model(x).reshape(-1).tolist()
    if job.get("compile"):
        for name in ("train.py", "model.py", "engine_weights.py"):
            compile(open(os.path.join(d, name)).read(), name, "exec")
        res["compiled"] = True
    out.append(res)
json.dump(out, open(sys.argv[2], "w"))
`

describe.skipIf(torchPy.python === null)(`PyTorch export = engine forward (${torchPy.reason})`, () => {
  let dir = ''
  beforeAll(async () => {
    await initBackend()
    dir = mkdtempSync(join(tmpdir(), 'zsnas-pt-export-'))
  })
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('model.py + weights.safetensors reproduce the engine logits (1e-4 rel) and its parameter count, 9 architectures', async () => {
    const jobs: Record<string, unknown>[] = []
    const refs: Float32Array[] = []
    const trainRefs: Float32Array[] = []
    const counts: number[] = []
    for (const [i, t] of EXPORT_TEST_ARCHS.entries()) {
      const d = join(dir, `a${i}`)
      mkdirSync(d)
      const files = exportArchitecture({ space: t.space, arch: t.arch, format: 'pytorch', weights: true, numClasses: t.numClasses, inputSize: t.inputSize, seed: SEED })
      expect(files.map((f) => f.name).sort()).toEqual(['engine_weights.py', 'model.py', 'train.py', 'weights.safetensors'])
      for (const f of files) writeFileSync(join(d, f.name), f.data)
      const model = files.find((f) => f.name === 'model.py')!.data as string
      const space = getSpace(t.space)
      expect(model).toContain(`Architecture (${t.space}): ${space.toString(space.fromString(t.arch))}\n`) // canonical string in the docstring
      expect(model).not.toMatch(/^(import|from) (?!torch)/m) // only torch imported
      const def = space.buildNetwork(space.fromString(t.arch), { numClasses: t.numClasses, inputSize: t.inputSize })
      const n = 2
      const s = t.inputSize
      const x = randomInput(n, s, s, 3, 9 + i)
      const store = scoringStore(def, 'pytorch', SEED)
      try {
        refs.push(await storeEvalLogits(def, store, x, n))
        trainRefs.push(await storeEvalLogits(def, store, x, n, 'train'))
      } finally {
        disposeParams(store)
      }
      counts.push(countNetwork(def).params)
      const inFile = join(d, 'input.f32')
      writeFileSync(inFile, toNchw(x, n, s, s, 3))
      jobs.push({ dir: d, classes: t.numClasses, forward: true, input: inFile, shape: [n, 3, s, s] })
    }
    // Table 11 at its own resolution with the ImageNet head: parameter count only
    const t11 = join(dir, 't11')
    mkdirSync(t11)
    for (const f of exportArchitecture({ space: 'mbv2', arch: TABLE11_AT(224), format: 'pytorch' })) writeFileSync(join(t11, f.name), f.data)
    jobs.push({ dir: t11, classes: 1000, forward: false, compile: true })

    writeFileSync(join(dir, 'jobs.json'), JSON.stringify(jobs))
    writeFileSync(join(dir, 'driver.py'), DRIVER)
    const r = spawnSync(torchPy.python!, [join(dir, 'driver.py'), join(dir, 'jobs.json'), join(dir, 'out.json')], { encoding: 'utf8', timeout: 300_000 })
    expect(r.stderr + (r.error?.message ?? '')).toBe('')
    expect(r.status).toBe(0)
    const out = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as { params: number; logits?: number[]; train_logits?: number[]; compiled?: boolean }[]
    EXPORT_TEST_ARCHS.forEach((t, i) => {
      expect(out[i].params, `${t.space} ${t.arch}`).toBe(counts[i])
      expect(out[i].logits!.length).toBe(refs[i].length)
      expect(maxRelDiff(out[i].logits!, refs[i]), `${t.space} ${t.arch}`).toBeLessThan(1e-4)
      // model.train() = the engine's scoring forward (batch-statistics BN) for the cell spaces. Not asserted for
      // MobileNetV2: BN with batch statistics of 2 samples on the SE's 1×1 maps is ill-conditioned (measured max rel
      // diff 0.06–0.6 at N=2, 5e-4–7e-3 at N=8, shrinking with N), so its equality is checked in eval mode only.
      if (t.space !== 'mbv2') expect(maxRelDiff(out[i].train_logits!, trainRefs[i]), `train mode ${t.space} ${t.arch}`).toBeLessThan(1e-4)
    })
    expect(out[EXPORT_TEST_ARCHS.length].compiled).toBe(true) // train.py / model.py / engine_weights.py are valid Python
    expect(out[EXPORT_TEST_ARCHS.length].params).toBe(10_807_432)
  })
})
