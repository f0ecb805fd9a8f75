/**
 * The Content-Security-Policy of the renderer, shared by Electron (session
 * header + meta tag) and browser mode (HTTP header). No remote origins, no
 * eval (only WebAssembly compilation), inline style attributes allowed
 * (ECharts positions its tooltip/canvas with style attributes).
 */
export function contentSecurityPolicy(connect: string[] = [], opts: { meta?: boolean } = {}): string {
  const directives = [
    "default-src 'none'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${connect.length ? ' ' + connect.join(' ') : ''}`,
    "worker-src 'self' blob:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ]
  // frame-ancestors is ignored (and warned about) in a <meta> CSP; the HTTP header carries it
  return (opts.meta ? directives.filter((d) => !d.startsWith('frame-ancestors')) : directives).join('; ')
}
