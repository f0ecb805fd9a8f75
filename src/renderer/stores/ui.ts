/** UI state: which screen is shown and the colour theme (persisted in localStorage when available). */
import { defineStore } from 'pinia'
import { ref, watch } from 'vue'

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
  return { screen, theme, toggleTheme, fatal, reportError }
})
