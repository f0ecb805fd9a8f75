import { describe, expect, it } from 'vitest'
import { NdArray, PyBytes, PyTuple, toNumbers, unpickle } from '../../../src/engine/data/pickle'
import { evilPickleGlobal, evilPickleStackGlobal } from '../../fixtures/pickle-writer'

const b = (...xs: (number | string)[]) => Uint8Array.from(xs.flatMap((x) => (typeof x === 'string' ? [...x].map((c) => c.charCodeAt(0)) : [x])))

describe('safe unpickler', () => {
  it('reads plain data: protocol 2 dict of list, tuple, ints, long, float, bool, None, str, bytes', () => {
    // pickle.dumps({'a': [1, 300, -2, 2**40], 't': (True, None), 'f': 1.5, 's': 'hé', 'b': b'xy'}, protocol=2) — assembled by hand
    const p = b(
      0x80, 2, '}', 'q', 0, '(',
      'X', 1, 0, 0, 0, 'a', ']', 'q', 1, '(', 'K', 1, 'M', 0x2c, 0x01, 'J', 0xfe, 0xff, 0xff, 0xff, 0x8a, 6, 0, 0, 0, 0, 0, 1, 'e',
      'X', 1, 0, 0, 0, 't', 0x88, 'N', 0x86, 'q', 2,
      'X', 1, 0, 0, 0, 'f', 'G', 0x3f, 0xf8, 0, 0, 0, 0, 0, 0,
      'X', 1, 0, 0, 0, 's', 'X', 3, 0, 0, 0, 'h', 0xc3, 0xa9,
      'X', 1, 0, 0, 0, 'c', 'h', 2,
      'u', '.',
    )
    const v = unpickle(p, 'x.pkl') as Map<string, unknown>
    expect(v).toBeInstanceOf(Map)
    expect(v.get('a')).toEqual([1, 300, -2, 2 ** 40])
    expect((v.get('t') as PyTuple).items).toEqual([true, null])
    expect(v.get('f')).toBe(1.5)
    expect(v.get('s')).toBe('hé')
    expect((v.get('c') as PyTuple).items).toEqual([true, null]) // memo BINGET returns the same object
  })
  it('reads a little-endian int64 numpy array via _frombuffer (protocol 5 style)', () => {
    const u = (t: string) => [0x8c, t.length, t] as (number | string)[] // SHORT_BINUNICODE
    const raw = [5, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]
    // _frombuffer(b'...', dtype('i8', False, True) with state (3,'<',…), (2,), 'C')
    const p = b(
      0x80, 4, ...u('numpy.core.numeric'), ...u('_frombuffer'), 0x93, '(',
      'C', 16, ...raw,
      ...u('numpy'), ...u('dtype'), 0x93, ...u('i8'), 0x89, 0x88, 0x87, 'R',
      '(', 'K', 3, ...u('<'), 'N', 'N', 'N', 'J', 0xff, 0xff, 0xff, 0xff, 'J', 0xff, 0xff, 0xff, 0xff, 'K', 0, 't', 'b',
      'K', 2, 0x85, ...u('C'), 't', 'R', '.',
    )
    const v = unpickle(p, 'x.pkl')
    expect(v).toBeInstanceOf(NdArray)
    expect((v as NdArray).shape).toEqual([2])
    expect(toNumbers(v, 'x.pkl', 'arr')).toEqual([5, -1])
  })
  it('refuses os.system via GLOBAL + REDUCE without running it', () => {
    expect(() => unpickle(evilPickleGlobal(), 'evil.pkl')).toThrow(expect.objectContaining({ code: 'UNSAFE_PICKLE', message: expect.stringMatching(/evil\.pkl.*os\.system/) }))
  })
  it('refuses builtins.eval via STACK_GLOBAL', () => {
    expect(() => unpickle(evilPickleStackGlobal(), 'evil4.pkl')).toThrow(expect.objectContaining({ code: 'UNSAFE_PICKLE', message: expect.stringMatching(/builtins\.eval/) }))
  })
  it('refuses object-building opcodes (NEWOBJ, INST, OBJ) and unknown opcodes', () => {
    expect(() => unpickle(b(0x80, 2, ')', ')', 0x81, '.'), 'n.pkl')).toThrow(expect.objectContaining({ code: 'UNSAFE_PICKLE', message: expect.stringMatching(/NEWOBJ.*byte 4/) }))
    expect(() => unpickle(b('(', 'i', 'os\nsystem\n', '.'), 'i.pkl')).toThrow(expect.objectContaining({ code: 'UNSAFE_PICKLE', message: expect.stringMatching(/INST/) }))
    expect(() => unpickle(b(0x80, 2, 0xf0, '.'), 'u.pkl')).toThrow(expect.objectContaining({ code: 'UNSAFE_PICKLE', message: expect.stringMatching(/unknown \(0xf0\)/) }))
  })
  it('truncated streams are BAD_FORMAT, not crashes', () => {
    expect(() => unpickle(b(0x80, 2, 'X', 100, 0, 0, 0, 'ab'), 't.pkl')).toThrow(expect.objectContaining({ code: 'BAD_FORMAT', message: expect.stringMatching(/t\.pkl.*truncated/) }))
    expect(() => unpickle(b(0x80, 2, ']'), 't.pkl')).toThrow(expect.objectContaining({ code: 'BAD_FORMAT' }))
    expect(() => unpickle(b(0x80, 2, '.'), 't.pkl')).toThrow(expect.objectContaining({ code: 'BAD_FORMAT' }))
  })
  it('BINSTRING payloads are byte views (Python 2 str)', () => {
    const v = unpickle(b(0x80, 2, 'U', 3, 0, 255, 7, '.'), 's.pkl')
    expect(v).toBeInstanceOf(PyBytes)
    expect(Array.from((v as PyBytes).bytes)).toEqual([0, 255, 7])
  })
})
