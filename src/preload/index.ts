/** Preload (sandboxed): exposes exactly the contract's functions on `window.zsnas`. */
import { contextBridge, ipcRenderer } from 'electron'
import { BRIDGE_KEY } from '../shared/methods'
import { buildBridge } from './bridge'

contextBridge.exposeInMainWorld(BRIDGE_KEY, buildBridge(ipcRenderer))
