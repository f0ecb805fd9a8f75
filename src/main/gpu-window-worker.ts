/**
 * PRELOAD of a hidden GPU worker window (src/main/gpu-window.ts; built as out/main/gpu-window-worker.mjs, an
 * ESM preload of a non-sandboxed window): the ordinary scoring worker loop over the window's IPC, scoring with
 * the engine on Chromium's WebGPU (`navigator.gpu`, visible from the preload's isolated world). The page gets
 * nothing from here (no contextBridge). ZSNAS_BACKEND defaults to webgpu here: a GPU window exists to score on
 * the GPU (main chose these windows only for a hardware adapter, or because webgpu was asked for).
 */
import { ipcRenderer } from 'electron'
import { ipcRendererChannel } from '../backend/gpu-window-channel'
import { runWorker } from '../worker/worker-loop'
import { engineScorer } from '../worker/engine-scorer'

process.env.ZSNAS_BACKEND ??= 'webgpu'
runWorker(ipcRendererChannel(ipcRenderer), engineScorer)
