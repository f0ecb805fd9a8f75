/**
 * Receiving side of a call: validates the method name and the arguments
 * against the contract, runs the handler, and turns every outcome into the
 * wire envelope. Never throws — a bad payload becomes
 * `{ ok: false, error: { code: 'BAD_REQUEST', message, details: { issues } } }`,
 * a thrown `ZsnasError`/`ServiceError` keeps its code, anything else is 'INTERNAL'.
 * Used identically by Electron's ipcMain handlers and the WebSocket server.
 */
import { METHODS, type CallContext, type Envelope, type ServiceHandlers } from './contract'
import { isMethodName } from './methods'
import { ERROR_CODES, type ServiceErrorData } from './schemas'

export function errorToData(e: unknown): ServiceErrorData {
  if (e && typeof e === 'object' && 'code' in e && 'message' in e) {
    const code = (e as { code: unknown }).code
    if (typeof code === 'string' && (ERROR_CODES as readonly string[]).includes(code)) {
      const details = (e as { details?: unknown }).details
      const out: ServiceErrorData = { code: code as ServiceErrorData['code'], message: String((e as { message: unknown }).message) }
      if (details && typeof details === 'object') out.details = details as Record<string, unknown>
      return out
    }
  }
  if (e instanceof Error) return { code: 'INTERNAL', message: e.message }
  return { code: 'INTERNAL', message: String(e) }
}

export async function dispatch(handlers: ServiceHandlers, method: unknown, args: unknown, ctx: CallContext): Promise<Envelope> {
  if (!isMethodName(method)) {
    return { ok: false, error: { code: 'UNKNOWN_METHOD', message: `unknown method ${JSON.stringify(method)}` } }
  }
  const schema = METHODS[method].args
  const list = Array.isArray(args) ? [...args] : [args]
  // missing trailing optional arguments: pad with undefined so optional tuple items validate
  const arity = (schema.def.items as unknown[]).length
  while (list.length < arity) list.push(undefined)
  const parsed = schema.safeParse(list)
  if (!parsed.success) {
    return {
      ok: false,
      error: {
        code: 'BAD_REQUEST',
        message: `${method}: invalid arguments: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(args)'}: ${i.message}`).join('; ')}`,
        details: { issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })) },
      },
    }
  }
  try {
    const fn = handlers[method] as (...a: unknown[]) => unknown
    const value = await fn(...(parsed.data as unknown[]), ctx)
    return { ok: true, value: value === undefined ? null : value }
  } catch (e) {
    return { ok: false, error: errorToData(e) }
  }
}
