/**
 * Entry of the GPU worker page (src/renderer/gpu-worker.html → out/renderer/gpu-worker.html, served on
 * app://zsnas/ with the app's CSP): registers the tfjs backends statically (a page cannot import packages by
 * name), points tfjs-backend-wasm at its bundled .wasm files, and starts the worker loop over the preload's
 * bridge (worker-page.ts). The page URL's `backend` parameter forces a backend (main passes webgpu).
 */
import './node-globals'
import '@tensorflow/tfjs-backend-cpu'
import '@tensorflow/tfjs-backend-webgpu'
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm'
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url'
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url'
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url'
import { GPU_WORKER_BRIDGE_KEY, type GpuWorkerBridge } from '../backend/gpu-window-channel'
import { startGpuWorkerPage } from './worker-page'

// tfjs needs all three named; threads need cross-origin isolation, which this page does not have, so the
// threaded binary is never fetched: tfjs picks simd (or plain) wasm
setWasmPaths({ 'tfjs-backend-wasm.wasm': wasmPlain, 'tfjs-backend-wasm-simd.wasm': wasmSimd, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded })

const bridge = (globalThis as Record<string, unknown>)[GPU_WORKER_BRIDGE_KEY] as GpuWorkerBridge | undefined
if (!bridge) {
  document.title = 'ZSNAS GPU worker: no bridge'
  throw new Error(`GPU worker page: window.${GPU_WORKER_BRIDGE_KEY} is missing (the page must be loaded by a GPU worker window with its preload)`)
}
startGpuWorkerPage(bridge, { backend: new URLSearchParams(location.search).get('backend') })
