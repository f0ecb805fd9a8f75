/**
 * WebGPU in backend selection (issue #17), on the SwiftShader adapter:
 * ZSNAS_BACKEND=webgpu activates it and reports the adapter; unforced, the
 * software adapter is refused and wasm chosen; a GPU device error recorded by
 * the device maps to OUT_OF_MEMORY through oom.ts. Skipped with the reason when
 * the `webgpu` package, the Vulkan loader or the ICD is absent.
 * Each selection runs in a fresh process (a tfjs backend cannot be re-registered in-process).
 */
import { describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { webgpuSkipReason } from '../webgpu/available'
import { isSoftwareAdapter, recordGpuErrorForTest, takeGpuError, vulkanDrivers } from '../../../src/engine/backend/webgpu'
import { isInstanceFatal, isOutOfMemoryError } from '../../../src/engine/backend/oom'
import { isOutOfMemory } from '../../../src/engine/proxies/registry'

const skip = webgpuSkipReason()

function inChild(env: Record<string, string | undefined>): Record<string, unknown> {
  const here = dirname(fileURLToPath(import.meta.url))
  const out = execFileSync(process.execPath, ['--import', 'tsx', resolve(here, 'fixtures/init-child.ts'), '{}'], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  return JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, unknown>
}

describe('adapter classification (no GPU needed)', () => {
  const base = { vendor: '', architecture: '', device: '', description: '', isFallbackAdapter: false }
  it('software rasterisers and fallback adapters are software; GPUs are not', () => {
    expect(isSoftwareAdapter({ ...base, vendor: 'google', architecture: 'swiftshader' })).toBe(true)
    expect(isSoftwareAdapter({ ...base, vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' })).toBe(true)
    expect(isSoftwareAdapter({ ...base, vendor: 'microsoft', description: 'Microsoft Basic Render Driver' })).toBe(true)
    expect(isSoftwareAdapter({ ...base, vendor: 'nvidia', architecture: 'hopper', isFallbackAdapter: true })).toBe(true)
    expect(isSoftwareAdapter({ ...base, vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA: 550.54' })).toBe(false)
    expect(isSoftwareAdapter({ ...base, vendor: 'amd', architecture: 'rdna-3' })).toBe(false)
  })

  it('Vulkan manifests come from VK_ICD_FILENAMES when set (with the library each names)', () => {
    const d = vulkanDrivers({ VK_ICD_FILENAMES: '/usr/lib/chromium/vk_swiftshader_icd.json:/nonexistent/x.json' })
    const icd = '/usr/lib/chromium/vk_swiftshader_icd.json'
    expect(d.map((x) => x.manifest)).toEqual(existsSync(icd) ? [icd] : [])
    if (existsSync(icd)) expect(d[0].library).toMatch(/swiftshader/)
  })
})

describe('GPU device errors (no GPU needed)', () => {
  it('an allocation the device refused is thrown once at the next read and classified OUT_OF_MEMORY (batch split applies)', () => {
    recordGpuErrorForTest('GPUOutOfMemoryError', 'Failed to allocate memory for buffer')
    let err: unknown
    try {
      takeGpuError()
    } catch (e) {
      err = e
    }
    expect((err as Error).name).toBe('GPUOutOfMemoryError')
    expect((err as Error).message).toMatch(/out of memory on the webgpu device: Failed to allocate/)
    expect(isOutOfMemoryError(err)).toBe(true)
    expect(isOutOfMemory(err)).toBe(true) // computeProxies' split-the-batch test
    expect(isInstanceFatal(err, 'webgpu')).toBe(false)
    expect(() => takeGpuError()).not.toThrow() // reported once
  })

  it('a validation error is thrown as a device error, not as out of memory; a lost device is fatal', () => {
    recordGpuErrorForTest('GPUValidationError', "Error while parsing WGSL: cannot index type 'vec6'")
    let v: unknown
    try {
      takeGpuError()
    } catch (e) {
      v = e
    }
    expect((v as Error).message).toMatch(/webgpu device error: Error while parsing WGSL/)
    expect(isOutOfMemoryError(v)).toBe(false)
    const lost = Object.assign(new Error('the webgpu device was lost (destroyed: )'), { name: 'GPUDeviceLost' })
    expect(isOutOfMemoryError(lost)).toBe(true)
    expect(isInstanceFatal(lost, 'webgpu')).toBe(true)
  })
})

describe.skipIf(skip !== undefined)(`webgpu backend selection on SwiftShader${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('ZSNAS_BACKEND=webgpu activates webgpu and reports the SwiftShader adapter as software', () => {
    const r = inChild({ ZSNAS_BACKEND: 'webgpu' })
    expect(r.error).toBeUndefined()
    expect(r.active).toBe('webgpu')
    const info = r.info as { name: string; adapter: Record<string, unknown>; tried: { name: string }[] }
    expect(info.name).toBe('webgpu')
    expect(info.tried).toEqual([{ name: 'webgpu' }])
    expect(info.adapter).toMatchObject({ vendor: 'google', architecture: 'swiftshader', isSoftware: true })
    expect(String(info.adapter.description)).toMatch(/SwiftShader/)
  })

  it('unforced, the software adapter is refused with the reason and wasm is chosen', () => {
    const r = inChild({ ZSNAS_BACKEND: undefined })
    const info = r.info as { name: string; adapter?: unknown; tried: { name: string; error?: string }[] }
    expect(info.name).toBe('wasm')
    expect(info.adapter).toBeUndefined()
    expect(info.tried.find((t) => t.name === 'webgpu')?.error).toMatch(/software/)
  })

  it('forcing webgpu with no Vulkan driver at all fails with BACKEND_UNAVAILABLE naming the cause', () => {
    const r = inChild({ ZSNAS_BACKEND: 'webgpu', VK_ICD_FILENAMES: '/nonexistent-zsnas-icd.json' })
    expect(r.error).toMatchObject({ name: 'ZsnasError', code: 'BACKEND_UNAVAILABLE' })
    expect(String((r.error as { message: string }).message)).toMatch(/webgpu.*no Vulkan driver/)
  })
})
