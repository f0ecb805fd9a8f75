/**
 * Preload of a GPU worker window (sandboxed; built as CommonJS, out/preload/gpu-worker.cjs, since a sandboxed
 * preload cannot be ESM nor require npm packages — zod is bundled in). Exposes exactly one bridge on
 * `window.zsnasGpuWorker` (gpu-worker-bridge.ts); the engine and the worker loop run in the page (src/gpu-worker/).
 */
import { contextBridge, ipcRenderer } from 'electron'
import { GPU_WORKER_BRIDGE_KEY } from '../backend/gpu-window-channel'
import { buildGpuWorkerBridge } from './gpu-worker-bridge'

contextBridge.exposeInMainWorld(GPU_WORKER_BRIDGE_KEY, buildGpuWorkerBridge(ipcRenderer))
