/**
 * The scoring request as ONE zod schema, exported by the engine so every
 * transport derives from it: the worker protocol (src/worker/protocol.ts)
 * sends exactly a `ScoreRequest`, and the app's run config reuses its dataset
 * and init schemas. A field added to `ScoreRequest` must be added here (the
 * compile-time checks in request-schema-check.ts fail otherwise), so no
 * transport can drop one (as `mode` once was). This file imports only zod, so
 * the renderer may use it without pulling in the engine's Node code.
 *
 * Bounds here are the wire's structural ones; `scoreArchitecture` validates
 * the science bounds (batch ≥ 2 …) with typed errors.
 */
import { z } from 'zod'

/** Mirror of `DatasetSpec` (src/engine/core/data.ts); checked both ways in request-schema-check.ts. */
export const DatasetSpecSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('noise'),
    imageSize: z.number().int().min(1).max(512),
    numClasses: z.number().int().min(1).max(100000),
    channels: z.literal(3).optional(),
  }),
  z.object({ kind: z.literal('cifar10'), path: z.string().min(1) }),
  z.object({ kind: z.literal('cifar100'), path: z.string().min(1) }),
  z.object({ kind: z.literal('imagenet16'), path: z.string().min(1), classes: z.number().int().min(1).optional() }),
  z.object({ kind: z.literal('folder'), path: z.string().min(1), imageSize: z.number().int().min(1).max(1024) }),
  z.object({
    kind: z.literal('u8'),
    path: z.string().min(1),
    imageSize: z.number().int().min(1).max(1024),
    labelsCsv: z.string().optional(),
    normalization: z.enum(['imagenet', 'imagenet16']).optional(),
  }),
])

export const InitSchemeSchema = z.enum(['pytorch', 'kaimingNormal', 'xavierNormal', 'normal', 'nb101'])

/** Proxy behaviour: 'paper' (default) or 'reference' (the reference code's quirks), see proxies/types.ts. */
export const ProxyModeSchema = z.enum(['paper', 'reference'])

export const ScoreRequestSchema = z.object({
  space: z.string().min(1),
  arch: z.string().min(1),
  proxies: z.array(z.string().min(1)).min(1),
  dataset: DatasetSpecSchema,
  batchSize: z.number().int().min(1),
  seed: z.number().int().min(0).max(0xffffffff),
  init: InitSchemeSchema,
  mode: ProxyModeSchema.optional(),
  proxyOptions: z.record(z.string(), z.unknown()).optional(),
  /** response-pass checkpointing (nn/checkpoint-policy.ts); omitted = auto */
  checkpoint: z.enum(['auto', 'on', 'off']).optional(),
})
