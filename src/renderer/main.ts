/**
 * Renderer entry: picks the transport (Electron preload bridge when present,
 * otherwise the browser-mode WebSocket of the page's own origin + token),
 * builds the contract client and provides it to the stores.
 */
import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { API_KEY } from './api'
import { createClient } from '../shared/client'
import { createPreloadTransport, getPreloadBridge } from '../shared/preload-transport'
import { createWsTransport, wsUrlFromPageUrl } from '../shared/ws-transport'
import './styles/theme.css'

const bridge = getPreloadBridge()
const transport = bridge ? createPreloadTransport(bridge) : createWsTransport(wsUrlFromPageUrl(location.href))
const client = createClient(transport, {
  onInvalidEvent: (event, err) => console.warn(`dropped invalid event ${event}: ${err.message}`),
})

const app = createApp(App)
app.provide(API_KEY, client)
app.use(createPinia())
app.mount('#app')
