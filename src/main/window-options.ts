/**
 * The main window's options — a pure function so tests can assert the
 * security-relevant settings without the Electron binary.
 * Guarantees: contextIsolation on, renderer sandboxed, no Node integration
 * (also not in workers/subframes), web security on, no insecure content,
 * no <webview>, spellcheck off (no dictionary download), hidden until ready.
 */
import type { BrowserWindowConstructorOptions } from 'electron'

/** The hardening every window of the app shares (main window and GPU windows); each adds its own sandbox/preload. */
export const HARDENED_WEB_PREFERENCES = {
  contextIsolation: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  experimentalFeatures: false,
  spellcheck: false,
  navigateOnDragDrop: false,
} as const satisfies BrowserWindowConstructorOptions['webPreferences']

export function windowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'ZSNAS Studio',
    backgroundColor: '#ffffff',
    autoHideMenuBar: true,
    webPreferences: {
      ...HARDENED_WEB_PREFERENCES,
      preload: preloadPath,
      sandbox: true,
    },
  }
}
