/**
 * UI state: which screen is shown, the colour theme (persisted in localStorage when available) and
 * the connection to the backend (browser mode: set from the WebSocket transport's status in main.ts;
 * Electron: always 'open').
 */
import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import type { ConnectionStatus } from '../../shared/ws-transport'

export type Screen = 'wizard' | 'run' | 'history' | 'compare'
export type Theme = 'light' | 'dark'

function storedTheme(): Theme {
  try {
    const t = globalThis.localStorage?.getItem('zsnas-theme')
    if (t === 'dark' || t === 'light') return t
  } catch {
    /* storage unavailable */
  }
  return 'light'
}

export const useUiStore = defineStore('ui', () => {
  const screen = ref<Screen>('wizard')
  const theme = ref<Theme>(storedTheme())
  watch(theme, (t) => {
    try {
      globalThis.localStorage?.setItem('zsnas-theme', t)
    } catch {
      /* ignore */
    }
  })
  /** last unexpected error (shown as a dismissible banner instead of a broken screen) */
  const fatal = ref<string | null>(null)
  function reportError(e: unknown) {
    fatal.value = e instanceof Error ? e.message : String(e)
  }
  function toggleTheme() {
    theme.value = theme.value === 'dark' ? 'light' : 'dark'
  }
  /** transport state; 'open' until a transport says otherwise */
  const connection = ref<ConnectionStatus>('open')
  /** when the connection was last lost (ms epoch), for "reconnecting for 12 s" */
  const lostAt = ref<number | null>(null)
  const connected = computed(() => connection.value === 'open')
  function setConnection(s: ConnectionStatus) {
    if (s !== 'open' && connection.value === 'open') lostAt.value = Date.now()
    if (s === 'open') lostAt.value = null
    connection.value = s
  }
  return { screen, theme, toggleTheme, fatal, reportError, connection, connected, lostAt, setConnection }
})
