/**
 * The one Node global the page's module graph touches at load: `Buffer` (csv-parse, reached through the space
 * registry's ground-truth loaders, spaces/nb101/entry.ts → benchmarks/tabular.ts,
 * builds its byte-order marks with Buffer.from when its module is evaluated). The `buffer` package
 * (the standard browser implementation) provides it. Imported FIRST by main.ts, so it is set before those modules
 * are evaluated. The page never reads files: datasets arrive as bytes (worker-page.ts).
 */
import { Buffer } from 'buffer/'

const g = globalThis as { Buffer?: unknown }
g.Buffer ??= Buffer
