// @vitest-environment happy-dom
/**
 * The wizard's noise step validates with the noise dataset's own declaration (NOISE_OPTIONS): it accepts exactly
 * what the engine, the CLI and the run-config schema accept (tests/engine/data/noise-bounds.test.ts). Before, it
 * refused sizes below 8 that the others took.
 */
import { describe, expect, it } from 'vitest'
import { fakeApi } from './helpers/fake-api'
import { catalogHandlers } from './helpers/fixtures'
import { storeEnv } from './helpers/setup'
import { useWizardStore } from '../../src/renderer/stores/wizard'
import { useCatalogStore } from '../../src/renderer/stores/catalog'
import { NOISE_CLASSES_OPTION, NOISE_IMAGE_SIZE_OPTION } from '../../src/engine/data/noise'
import { DatasetSpecSchema } from '../../src/engine/score/request-schema'

describe('wizard noise step bounds', () => {
  it('defaults, accepted and refused values follow the declaration, with the engine message', async () => {
    storeEnv(fakeApi({ ...catalogHandlers }))
    await useCatalogStore().load()
    const w = useWizardStore()
    w.applyDefaults()
    expect([w.noise.imageSize, w.noise.numClasses]).toEqual([NOISE_IMAGE_SIZE_OPTION.default, NOISE_CLASSES_OPTION.default])
    const lo = NOISE_IMAGE_SIZE_OPTION.min as number
    const hi = NOISE_IMAGE_SIZE_OPTION.max as number
    const c = NOISE_CLASSES_OPTION.max as number
    for (const [size, classes] of [[lo, 10], [4, 10], [hi, 10], [lo - 1, 10], [hi + 1, 10], [32, 1], [32, c], [32, c + 1]]) {
      w.noise.imageSize = size
      w.noise.numClasses = classes
      const schemaOk = DatasetSpecSchema.safeParse({ kind: 'noise', imageSize: size, numClasses: classes }).success
      expect(w.currentValid, `${size} px, ${classes} classes`).toBe(schemaOk)
    }
    w.noise.imageSize = hi + 1
    w.noise.numClasses = 10
    expect(w.next()).toBe(false)
    expect(w.errors['noise.imageSize']).toBe(`Image size (pixels) must be an integer in ${lo}..${hi}, got ${hi + 1}`)
  })
})
