/**
 * Renderer entry: picks the transport (Electron preload bridge when present,
 * otherwise the browser-mode WebSocket of the page's own origin + token),
 * builds the contract client and provides it to the stores.
 */
import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { useUiStore } from './stores/ui'
import { API_KEY } from './api'
import { createClient } from '../shared/client'
import { createPreloadTransport, getPreloadBridge } from '../shared/preload-transport'
import { createWsTransport, httpProbe, wsUrlFromPageUrl, type ConnectionStatus } from '../shared/ws-transport'
import './styles/theme.css'

const bridge = getPreloadBridge()
// the transport reports its state before Pinia exists: keep the latest and hand it to the ui store below
let connection: ConnectionStatus = 'connecting'
let onConnection: (s: ConnectionStatus) => void = (s) => (connection = s)
const transport = bridge
  ? createPreloadTransport(bridge)
  : createWsTransport(wsUrlFromPageUrl(location.href), { onStatus: (s) => onConnection(s), probe: httpProbe(location.href) })
if (bridge) connection = 'open'
const client = createClient(transport, {
  onInvalidEvent: (event, err) => console.warn(`dropped invalid event ${event}: ${err.message}`),
})

const app = createApp(App)
const pinia = createPinia()
app.provide(API_KEY, client)
app.use(pinia)
// nothing unexpected may blank the screen: show it in a banner and keep going
const ui = useUiStore(pinia)
ui.setConnection(connection)
onConnection = (s) => ui.setConnection(s)
app.config.errorHandler = (err) => {
  console.error(err)
  ui.reportError(err)
}
window.addEventListener('unhandledrejection', (ev) => ui.reportError(ev.reason))
app.mount('#app')
