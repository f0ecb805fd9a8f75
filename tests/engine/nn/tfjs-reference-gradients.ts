/**
 * Registers tfjs's stock gradient functions (test-only reference).
 * `@tensorflow/tfjs-core` ships them only as extension-less ESM files that
 * plain Node cannot load; vitest inlines and transforms them. Production code
 * never relies on them (every engine op has its own gradient), and test files
 * that check the production path do not load them.
 */
let loaded: Promise<unknown> | null = null

export function loadStockGradients(): Promise<unknown> {
  loaded ??= import('@tensorflow/tfjs-core/dist/register_all_gradients.js')
  return loaded
}
