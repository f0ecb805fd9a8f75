import { describe, expect, it } from 'vitest'
import { ZsnasError } from '../../../src/engine/core/errors'
import {
  describeAccepted, optionDefaults, optionProblem, parseOptionString, resolveOptions, validateOptions, type OptionSpec,
} from '../../../src/engine/core/options'

const N: OptionSpec = { key: 'batches', label: 'Batches', description: '', type: 'int', default: 2, min: 2 }
const R: OptionSpec = { key: 'minRes', label: 'Min R', description: '', type: 'int', default: 192, min: 192, max: 320, multipleOf: 32 }
const RH: OptionSpec = { key: 'maxRes', label: 'Max R', description: '', type: 'int', default: 320, min: 192, max: 320, multipleOf: 32 }
const S: OptionSpec = { key: 'sigma', label: 'σ', description: '', type: 'number', default: 1, min: 0 }
const E: OptionSpec = { key: 'w', label: 'Weighting', description: '', type: 'enum', default: 'exp', choices: [{ value: 'exp', label: 'e' }, { value: 'none', label: 'n' }] }
const B: OptionSpec = { key: 'on', label: 'On', description: '', type: 'boolean', default: false }
const SPECS = [N, R, RH, S, E, B]

describe('validateOptions: one checker for engine, CLI and wizard', () => {
  it('fills declared defaults and reports nothing for an empty bag', () => {
    expect(validateOptions(SPECS, {})).toEqual({ values: { batches: 2, minRes: 192, maxRes: 320, sigma: 1, w: 'exp', on: false }, errors: {} })
    expect(validateOptions(SPECS, undefined).values).toEqual(optionDefaults(SPECS))
  })

  it('one message per bad key, naming label, key, the declared bound and the value', () => {
    const { values, errors } = validateOptions(SPECS, { batches: 1, minRes: 200, sigma: Number.NaN, w: 'cubic', on: 'yes', typo: 3 })
    expect(errors).toEqual({
      typo: "no option 'typo'; expected one of batches, minRes, maxRes, sigma, w, on",
      batches: 'Batches (batches) must be an integer ≥ 2, got 1',
      minRes: 'Min R (minRes) must be an integer in 192..320, a multiple of 32, got 200',
      sigma: 'σ (sigma) must be a finite number ≥ 0, got NaN',
      w: "Weighting (w) must be one of exp, none, got 'cubic'",
      on: "On (on) must be true or false, got 'yes'",
    })
    expect(values.batches).toBe(1) // values are what was given, defaults only for absent keys
  })

  it('integers: 2.5 is not an int; bounds are inclusive', () => {
    expect(optionProblem(N, 2.5)).toBe('must be an integer ≥ 2, got 2.5')
    expect(optionProblem(N, 2)).toBeUndefined()
    expect(optionProblem(R, 320)).toBeUndefined()
    expect(optionProblem(R, 352)).toBe('must be an integer in 192..320, a multiple of 32, got 352')
  })

  it('paired minX/maxX: min must not exceed max (reported on min only when both are valid)', () => {
    expect(validateOptions(SPECS, { minRes: 288, maxRes: 224 }).errors).toEqual({ minRes: 'Min R (minRes) must not exceed Max R (maxRes): 288 > 224' })
    expect(validateOptions(SPECS, { minRes: 224, maxRes: 224 }).errors).toEqual({})
  })

  it('a non-object bag is one error under the key ""', () => {
    expect(validateOptions(SPECS, [1]).errors).toEqual({ '': 'options must be an object of key → value, got an array' })
    expect(validateOptions(SPECS, 3).errors).toEqual({ '': 'options must be an object of key → value, got 3' })
  })

  it('resolveOptions throws one INVALID_OPTION listing every problem, prefixed by the owner', () => {
    let e: unknown
    try {
      resolveOptions([N, E], { batches: 0, w: 'x' }, 'zico')
    } catch (x) {
      e = x
    }
    expect(e).toBeInstanceOf(ZsnasError)
    expect((e as ZsnasError).code).toBe('INVALID_OPTION')
    expect((e as ZsnasError).message).toBe("zico options: Batches (batches) must be an integer ≥ 2, got 0; Weighting (w) must be one of exp, none, got 'x'")
    expect(resolveOptions([N], { batches: 3 }, 'zico')).toEqual({ batches: 3 })
  })

  it('parseOptionString turns CLI text into typed values, leaving unparsable text for the checker to report', () => {
    expect(parseOptionString(N, '3')).toBe(3)
    expect(parseOptionString(S, '1e-3')).toBe(0.001)
    expect(parseOptionString(N, '3x')).toBe('3x')
    expect(optionProblem(N, parseOptionString(N, '3x'))).toBe("must be an integer ≥ 2, got '3x'")
    expect(parseOptionString(B, 'true')).toBe(true)
    expect(parseOptionString(E, 'none')).toBe('none')
    expect(parseOptionString({ ...E, choices: [{ value: 1, label: 'one' }] }, '1')).toBe(1)
  })

  it('describeAccepted is what menus and help print', () => {
    expect(SPECS.map(describeAccepted)).toEqual([
      'an integer ≥ 2',
      'an integer in 192..320, a multiple of 32',
      'an integer in 192..320, a multiple of 32',
      'a finite number ≥ 0',
      'one of exp, none',
      'true or false',
    ])
  })
})
