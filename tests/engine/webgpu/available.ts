/**
 * Whether the WebGPU tests can run here, and why not. They need the optional
 * `webgpu` package (Dawn), the Vulkan loader (libvulkan.so.1, Debian
 * libvulkan1) and a Vulkan driver manifest — on CI the SwiftShader ICD that
 * Debian's chromium ships, found through VK_ICD_FILENAMES (.ci/run exports it).
 * When the manifest variable is unset but chromium's ICD exists, it is used.
 * XDG_RUNTIME_DIR is set to a fresh folder when missing (Dawn complains without it).
 */
import { existsSync, mkdtempSync } from 'node:fs'
import { createRequire } from 'node:module'
import { execFileSync } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const CHROMIUM_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json'

function hasVulkanLoader(): boolean {
  try {
    return /libvulkan\.so\.1\b/.test(execFileSync('ldconfig', ['-p'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }))
  } catch {
    return ['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib/aarch64-linux-gnu/libvulkan.so.1', '/usr/lib/libvulkan.so.1'].some((p) => existsSync(p))
  }
}

/** undefined when the WebGPU (SwiftShader) tests can run; else the reason they are skipped. */
export function webgpuSkipReason(): string | undefined {
  try {
    createRequire(import.meta.url).resolve('webgpu')
  } catch {
    return "the optional 'webgpu' package (Dawn) is not installed"
  }
  if (process.platform !== 'linux') return undefined
  if (!hasVulkanLoader()) return 'the Vulkan loader libvulkan.so.1 is missing (apt-get install libvulkan1)'
  if ((process.env.VK_ICD_FILENAMES ?? process.env.VK_DRIVER_FILES ?? '') === '') {
    if (!existsSync(CHROMIUM_ICD)) return `no Vulkan ICD: VK_ICD_FILENAMES unset and ${CHROMIUM_ICD} (Debian chromium's SwiftShader) absent`
    process.env.VK_ICD_FILENAMES = CHROMIUM_ICD
  }
  if ((process.env.XDG_RUNTIME_DIR ?? '') === '') process.env.XDG_RUNTIME_DIR = mkdtempSync(join(tmpdir(), 'zsnas-xdg-'))
  return undefined
}
