import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { sharedPath } from '../../../helpers/shared-data'
import { mbv2FromString, roundHalfEven, smartRound, TABLE11_ARCH } from '../../../../src/engine/spaces/mbv2/arch'
import { mbv2ExactCount, mbv2ReferenceCount } from '../../../../src/engine/spaces/mbv2/counting'
import { mbv2Space } from '../../../../src/engine/spaces/mbv2/space'
import { buildTorchvisionMobileNetV2 } from '../../../../src/engine/spaces/mbv2/reference-net'
import { countParams } from '../../../../src/engine/spaces/param-book'
import { countMacs } from '../../../../src/engine/spaces/shape-macs'

describe('Python rounding', () => {
  it('rounds half to even like Python round()', () => {
    expect([0.5, 1.5, 2.5, 3.5, 4.5, 2.4999, 2.5001].map(roundHalfEven)).toEqual([0, 2, 2, 4, 4, 2, 3])
  })
  it('smart_round(x, 8) matches the notes: 20→16, 28→32, 36→32, 44→48, 3→8', () => {
    expect([20, 28, 36, 44, 3, 47].map((x) => smartRound(x, 8))).toEqual([16, 32, 32, 48, 8, 48])
    expect([192, 207, 208, 240, 272, 304, 320].map((x) => smartRound(x, 32))).toEqual([192, 192, 192, 256, 256, 320, 320])
  })
})

describe('MobileNetV2 counting', () => {
  const t11 = mbv2FromString(TABLE11_ARCH)

  it('Table 11 architecture: reference counters give ≈10.78 M params and ≈591.7 M FLOPs (paper 10.8 M / 592 M)', () => {
    const c = mbv2ReferenceCount(t11)
    expect(c.params / 1e6).toBeCloseTo(10.78, 2)
    expect(c.flops / 1e6).toBeCloseTo(591.7, 1)
    // what the paper prints, to its precision
    expect(Math.round(c.params / 1e5) / 10).toBe(10.8)
    expect(Math.round(c.flops / 1e6)).toBe(592)
    expect(mbv2Space.cost(t11, { numClasses: 1000, inputSize: 224 })).toEqual(c)
  })

  it('Table 11 architecture: exact params 10.81 M, conv+linear MACs + SE gate multiplies ≈ 590.0 M (notes)', () => {
    const e = mbv2ExactCount(t11)
    expect(e.params / 1e6).toBeCloseTo(10.81, 2)
    expect((e.macs + e.seGateMults) / 1e6).toBeCloseTo(590.0, 1)
    expect(e.macs).toBeLessThan(e.macs + e.seGateMults)
  })

  it('without SE the reference counters would give ≈5.54 M params (notes: SE is required for 10.8 M)', () => {
    // remove the SE contributions by hand: size per sub-layer = mid·m + 2m + m·mid + 2·mid
    let se = 0
    for (const st of t11.stages) {
      const mid = smartRound(st.b * st.e, 8), m = Math.max(1, roundHalfEven(mid / 4))
      se += st.l * (2 * mid * m + 2 * m + 2 * mid)
    }
    expect((mbv2ReferenceCount(t11).params - se) / 1e6).toBeCloseTo(5.54, 2)
  })

  it('torchvision MobileNetV2 1.0 matches the published/derived anchors exactly (shared CSV)', () => {
    const lines = readFileSync(sharedPath('mbv2_anchors', 'mobilenetv2_reference.csv'), 'utf8').trim().split('\n')
    const head = lines[0].split(',')
    const rows = lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [head[i], v])))
    const checked = rows.filter((r) => r.width_mult === '1.0')
    expect(checked.length).toBe(5) // 224, 192, 160, 128, 96
    for (const r of checked) {
      const net = buildTorchvisionMobileNetV2(Number(r.resolution))
      expect(countMacs(net)).toBe(Number(r.derived_MACs_exact))
      expect(countParams(net.params)).toBe(Number(r.derived_params_with_BN_affine_exact))
      // the published table (MACs in millions) agrees to its precision (±1 M: it truncates)
      expect(Math.abs(countMacs(net) / 1e6 - Number(r.published_MACs_M))).toBeLessThan(1)
    }
  })
})
