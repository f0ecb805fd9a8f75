/**
 * A fake contract client for renderer tests. Only the methods a test
 * registers answer; any other call rejects AND is recorded in `unexpected`
 * (stores catch errors, so tests assert `unexpected` is empty afterwards).
 * `emit` pushes an event to the handlers the stores subscribed, validated
 * against the real contract schema so fixtures cannot drift from it.
 */
import { EVENTS, METHODS } from '../../../src/shared/contract'
import { METHOD_NAMES, splitMethod, type EventName, type MethodName } from '../../../src/shared/methods'
import type { Api } from '../../../src/renderer/api'
import { decodeWireScores } from '../../../src/shared/score-value'

type Handler = (...args: any[]) => unknown

export interface FakeApi {
  api: Api
  calls: { method: MethodName; args: unknown[] }[]
  unexpected: string[]
  emit(event: EventName, payload: unknown): void
  handlerCount(event: EventName): number
}

export function fakeApi(handlers: Partial<Record<MethodName, Handler>>): FakeApi {
  const calls: FakeApi['calls'] = []
  const unexpected: string[] = []
  const subs = new Map<string, Set<(p: unknown) => void>>()
  const api: Record<string, any> = {}
  for (const m of METHOD_NAMES) {
    const [g, n] = splitMethod(m)
    api[g] ??= {}
    api[g][n] = async (...args: unknown[]) => {
      // like the real client: trailing undefined arguments are dropped
      while (args.length > 0 && args[args.length - 1] === undefined) args.pop()
      calls.push({ method: m, args })
      const h = handlers[m]
      if (!h) {
        unexpected.push(m)
        throw new Error(`unexpected call ${m}`)
      }
      const value = await h(...args)
      // results must satisfy the contract, like the real client checks, and are decoded as it decodes them
      return decodeWireScores(METHODS[m].result.parse(value))
    }
  }
  api.on = (event: string, h: (p: unknown) => void) => {
    if (!subs.has(event)) subs.set(event, new Set())
    subs.get(event)!.add(h)
    return () => subs.get(event)!.delete(h)
  }
  api.call = () => Promise.reject(new Error('unexpected raw call'))
  api.close = () => {}
  return {
    api: api as Api,
    calls,
    unexpected,
    emit(event, payload) {
      const p = decodeWireScores(EVENTS[event].parse(payload))
      for (const h of [...(subs.get(event) ?? [])]) h(p)
    },
    handlerCount: (event) => subs.get(event)?.size ?? 0,
  }
}

/** An error shaped like the client's ServiceError (code + message). */
export function serviceError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code })
}
