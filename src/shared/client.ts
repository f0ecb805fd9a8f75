/**
 * Transport-agnostic client of the contract. The renderer's stores take a
 * `Client` by injection; the same code talks to Electron (preload transport)
 * or to the browser-mode server (WebSocket transport) or to an in-process
 * dispatcher (tests).
 *
 * Guarantees:
 *  - `client.runs.start(cfg)` etc. resolve to the VALIDATED result (the
 *    receiving side checks it against the contract; a malformed response
 *    rejects with a `ServiceError` code 'BAD_RESPONSE');
 *  - service failures reject with a `ServiceError` carrying the typed
 *    `{ code, message, details }` from the other side;
 *  - event handlers only ever see payloads that passed their schema
 *    (invalid events are dropped and reported to `onInvalidEvent`);
 *  - non-finite scores are decoded HERE, once (`decodeWireScores`): every
 *    evaluation row in a result or event payload carries plain numbers
 *    (NaN, ±Infinity), so renderer code never sees the wire strings.
 */
import { EVENTS, METHODS, EnvelopeSchema, type EventPayload, type MethodArgs, type MethodResult } from './contract'
import { METHOD_NAMES, isEventName, splitMethod, type EventName, type MethodName } from './methods'
import type { ServiceErrorCode, ServiceErrorData } from './schemas'
import { decodeWireScores, type Decoded } from './score-value'

/** A typed error that crossed (or failed to cross) the boundary. */
export class ServiceError extends Error {
  readonly code: ServiceErrorCode
  readonly details?: Record<string, unknown>
  constructor(code: ServiceErrorCode, message: string, details?: Record<string, unknown>) {
    super(message)
    this.name = 'ServiceError'
    this.code = code
    this.details = details
  }
  toData(): ServiceErrorData {
    return this.details === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, details: this.details }
  }
}

/**
 * The minimal thing a transport must do. `call` resolves to the raw envelope
 * `{ ok, value | error }` (unvalidated — the client validates); it rejects
 * only when the transport itself fails. `onEvent` delivers raw events.
 */
export interface Transport {
  call(method: MethodName, args: unknown[]): Promise<unknown>
  onEvent(listener: (event: string, payload: unknown) => void): () => void
  close?(): void
}

type GroupOf<M extends string> = M extends `${infer G}.${string}` ? G : never
type NameOf<M extends string, G extends string> = M extends `${G}.${infer N}` ? N : never
type Fn<M extends MethodName> = (...args: MethodArgs<M>) => Promise<Decoded<MethodResult<M>>>

/** `{ runs: { start, cancel, … }, catalog: { … }, … }` — one function per contract method. */
export type ServiceApi = {
  [G in GroupOf<MethodName>]: { [N in NameOf<MethodName, G>]: Fn<`${G}.${N}` & MethodName> }
}

export type Client = ServiceApi & {
  /** subscribe to one event; returns the unsubscribe function */
  on<E extends EventName>(event: E, handler: (payload: Decoded<EventPayload<E>>) => void): () => void
  /** raw call by name (same validation and decoding as the typed functions) */
  call<M extends MethodName>(method: M, ...args: MethodArgs<M>): Promise<Decoded<MethodResult<M>>>
  close(): void
}

export interface ClientOptions {
  onInvalidEvent?: (event: string, error: ServiceError) => void
}

export function createClient(transport: Transport, opts: ClientOptions = {}): Client {
  const handlers = new Map<EventName, Set<(p: unknown) => void>>()
  const unsubscribe = transport.onEvent((event, payload) => {
    if (!isEventName(event)) {
      opts.onInvalidEvent?.(event, new ServiceError('BAD_RESPONSE', `unknown event '${event}'`))
      return
    }
    const set = handlers.get(event)
    if (!set || set.size === 0) return
    const parsed = EVENTS[event].safeParse(payload)
    if (!parsed.success) {
      opts.onInvalidEvent?.(event, new ServiceError('BAD_RESPONSE', `event '${event}' failed validation`, { issues: parsed.error.issues }))
      return
    }
    const decoded = decodeWireScores(parsed.data)
    for (const h of [...set]) h(decoded)
  })

  async function call(method: MethodName, ...args: unknown[]): Promise<unknown> {
    // trailing undefined args are dropped so optional arguments stay optional on the wire
    while (args.length > 0 && args[args.length - 1] === undefined) args.pop()
    let raw: unknown
    try {
      raw = await transport.call(method, args)
    } catch (e) {
      if (e instanceof ServiceError) throw e
      throw new ServiceError('TRANSPORT', `call ${method} failed: ${e instanceof Error ? e.message : String(e)}`)
    }
    const env = EnvelopeSchema.safeParse(raw)
    if (!env.success) throw new ServiceError('BAD_RESPONSE', `${method}: malformed response envelope`, { issues: env.error.issues })
    if (!env.data.ok) throw new ServiceError(env.data.error.code, env.data.error.message, env.data.error.details)
    const res = METHODS[method].result.safeParse(env.data.value)
    if (!res.success) throw new ServiceError('BAD_RESPONSE', `${method}: response failed validation`, { issues: res.error.issues })
    return decodeWireScores(res.data)
  }

  const api: Record<string, unknown> = {}
  for (const m of METHOD_NAMES) {
    const [g, n] = splitMethod(m)
    const group = (api[g] ??= {}) as Record<string, unknown>
    group[n] = (...args: unknown[]) => call(m, ...args)
  }
  api.call = (m: MethodName, ...args: unknown[]) => call(m, ...args)
  api.on = (event: EventName, handler: (p: unknown) => void) => {
    let set = handlers.get(event)
    if (!set) handlers.set(event, (set = new Set()))
    set.add(handler)
    return () => set!.delete(handler)
  }
  api.close = () => {
    unsubscribe()
    handlers.clear()
    transport.close?.()
  }
  return api as Client
}
