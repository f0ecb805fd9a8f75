/**
 * Script of the hidden GPU window (src/main/gpu-window.ts): the ordinary scoring worker loop over the window's
 * IPC, scoring with the engine on Chromium's WebGPU (`navigator.gpu`). ZSNAS_BACKEND defaults to webgpu here:
 * a GPU window exists to score on the GPU (a machine without an adapter keeps the utility-process workers).
 */
import { ipcRenderer } from 'electron'
import { ipcRendererChannel } from '../backend/gpu-window-channel'
import { runWorker } from '../worker/worker-loop'
import { engineScorer } from '../worker/engine-scorer'

process.env.ZSNAS_BACKEND ??= 'webgpu'
runWorker(ipcRendererChannel(ipcRenderer), engineScorer)
