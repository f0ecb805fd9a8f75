/**
 * Contract schemas of the model export (`models.exporters`, `models.export`):
 * an architecture written as PyTorch / ONNX / structure files by the engine's
 * exporter registry (src/engine/export). Zod only; imports nothing runtime-specific.
 */
import { z } from 'zod'

/** One exporter of the registry, as menus show it. */
export const ExporterEntrySchema = z.object({
  id: z.string(),
  label: z.string(),
  description: z.string(),
  /** space ids it applies to, or 'all' */
  spaces: z.union([z.literal('all'), z.array(z.string())]),
  /** whether the `weights` option changes what it writes */
  usesWeightsOption: z.boolean(),
})
export type ExporterEntry = z.infer<typeof ExporterEntrySchema>

export const ExportersQuerySchema = z.object({ space: z.string().min(1).optional() })

/** Export one architecture in one or more formats into a folder (default: <data>/exports/models/…). */
export const ModelExportRequestSchema = z.object({
  space: z.string().min(1),
  arch: z.string().min(1).max(100_000),
  formats: z.array(z.string().min(1)).min(1).max(10),
  /** PyTorch: also write the engine's initial weights (weights.safetensors) */
  weights: z.boolean().optional(),
  numClasses: z.number().int().min(1).max(100_000).optional(),
  inputSize: z.number().int().min(4).max(1024).optional(),
  seed: z.number().int().min(0).max(0xffffffff).optional(),
  /** target folder; must be absent or empty */
  dir: z.string().min(1).optional(),
  /**
   * The architecture is evaluation `index` of run `runId`: the weights are the ones it was scored with (its
   * evaluation seed, the run's init) and classes / input size default to the run's dataset. Overrides `seed`.
   */
  scoredIn: z.object({ runId: z.string().min(1), index: z.number().int().min(0) }).optional(),
})
export type ModelExportRequest = z.infer<typeof ModelExportRequestSchema>
