/**
 * Compile-time only: the zod schemas of request-schema.ts and the engine's
 * types describe the same objects, both ways (`npm run typecheck` fails when
 * a field is added to one side only). Kept apart from request-schema.ts so
 * that file stays free of the engine's (Node-reading) modules.
 */
import type { z } from 'zod'
import type { DatasetSpec } from '../core/data'
import type { InitScheme } from '../core/network'
import type { ScoreRequest } from './score'
import type { DatasetSpecSchema, InitSchemeSchema, ScoreRequestSchema } from './request-schema'

/** mutual assignability AND the same keys (an optional field added to one side only is assignable both ways) */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? ([keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false) : false) : false
export type RequestSchemaChecks = [
  Same<z.infer<typeof DatasetSpecSchema>, DatasetSpec>,
  Same<z.infer<typeof InitSchemeSchema>, InitScheme>,
  Same<z.infer<typeof ScoreRequestSchema>, ScoreRequest>,
] extends [true, true, true] ? true : never
export const requestSchemaChecks: RequestSchemaChecks = true
