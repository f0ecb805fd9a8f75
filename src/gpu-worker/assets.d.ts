/** Vite's `?url` imports (the bundled file's URL). */
declare module '*.wasm?url' {
  const url: string
  export default url
}
