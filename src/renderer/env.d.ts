/** Lets plain `tsc` (npm run typecheck) accept .vue imports; `vue-tsc` type-checks the real components. */
declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<Record<string, unknown>, Record<string, unknown>, unknown>
  export default component
}
