import { ZsnasError } from '../core/errors'

/**
 * A minimal, SAFE Python unpickler for data files (protocols 0-style binary
 * subset, 2, 3, 4 and 5 framing): dicts, lists, tuples, ints, floats,
 * bools, None, str/bytes, and numpy arrays as numpy pickles them
 * (`numpy.core.multiarray._reconstruct` + `ndarray.__setstate__`, `numpy.dtype`,
 * `_codecs.encode(…, 'latin1')`, `numpy.core.numeric._frombuffer`).
 *
 * Guarantee: nothing is ever executed. The allowed globals are interpreted
 * by hand-written code here; any other global (e.g. `os.system`,
 * `builtins.eval`) and any opcode outside the supported set (INST, OBJ,
 * NEWOBJ, PERSID, EXT*, …) throws `ZsnasError('UNSAFE_PICKLE')` naming the
 * file, the opcode/global and its byte offset, before anything is called.
 * Malformed streams (truncation, stack underflow) throw BAD_FORMAT.
 */

export type PyKey = string | number | bigint | boolean | null
export type PyValue = PyKey | PyBytes | PyTuple | PyValue[] | Map<PyKey, PyValue> | NdArray | DType | PyGlobal

/** Python bytes, or a Python 2 `str` (which Python 3 reads as latin-1 text). */
export class PyBytes {
  constructor(readonly bytes: Uint8Array, readonly py2str: boolean) {}
  latin1(): string {
    let s = ''
    for (let i = 0; i < this.bytes.length; i++) s += String.fromCharCode(this.bytes[i])
    return s
  }
}
export class PyTuple {
  constructor(readonly items: PyValue[]) {}
}
export class PyGlobal {
  constructor(readonly module: string, readonly name: string) {}
}
export class DType {
  byteorder = '|'
  constructor(readonly code: string) {}
  /** e.g. 'u1', 'i8', 'f4' with the byte order folded into `littleEndian` */
  get littleEndian(): boolean {
    return this.byteorder !== '>'
  }
}
export class NdArray {
  shape: number[] = []
  dtype: DType | null = null
  fortran = false
  data: Uint8Array | null = null
}

const ALLOWED_GLOBALS = new Set([
  'numpy.core.multiarray._reconstruct',
  'numpy._core.multiarray._reconstruct',
  'numpy.ndarray',
  'numpy.dtype',
  '_codecs.encode',
  'numpy.core.numeric._frombuffer',
  'numpy._core.numeric._frombuffer',
])

const MARK = Symbol('mark')
type StackItem = PyValue | typeof MARK

/** Parses a pickle from `buf`. `file` is used in error messages. */
export function unpickle(buf: Uint8Array, file: string): PyValue {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  let pos = 0
  const stack: StackItem[] = []
  const memo = new Map<number, PyValue>()
  const fail = (msg: string): never => {
    throw new ZsnasError('BAD_FORMAT', `${file}: malformed pickle at byte ${pos}: ${msg}`, { path: file, offset: pos })
  }
  const need = (n: number) => {
    if (pos + n > buf.length) fail(`needs ${n} more bytes but the file ends (truncated?)`)
  }
  const u8 = () => (need(1), buf[pos++])
  const u16 = () => (need(2), (pos += 2), dv.getUint16(pos - 2, true))
  const u32 = () => (need(4), (pos += 4), dv.getUint32(pos - 4, true))
  const i32 = () => (need(4), (pos += 4), dv.getInt32(pos - 4, true))
  const u64 = () => {
    need(8)
    const v = dv.getBigUint64(pos, true)
    pos += 8
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) fail('length too large')
    return Number(v)
  }
  const bytes = (n: number) => (need(n), (pos += n), buf.subarray(pos - n, pos))
  const line = () => {
    const end = buf.indexOf(0x0a, pos)
    if (end < 0) fail('unterminated text line')
    const s = new TextDecoder('latin1').decode(buf.subarray(pos, end))
    pos = end + 1
    return s
  }
  const utf8 = (b: Uint8Array) => new TextDecoder('utf-8').decode(b)
  const pop = (): PyValue => {
    const v = stack.pop()
    if (v === undefined || v === MARK) fail('stack underflow')
    return v as PyValue
  }
  const top = (): PyValue => {
    const v = stack[stack.length - 1]
    if (v === undefined || v === MARK) fail('stack underflow')
    return v as PyValue
  }
  const popMark = (): PyValue[] => {
    let k = stack.length - 1
    while (k >= 0 && stack[k] !== MARK) k--
    if (k < 0) fail('missing MARK')
    const items = stack.splice(k) as PyValue[]
    items.shift()
    return items
  }
  const unsafe = (what: string, start: number): never => {
    throw new ZsnasError('UNSAFE_PICKLE', `${file}: refused ${what} at byte ${start}; only plain data and numpy arrays are read (nothing in the file is executed)`, { path: file, offset: start, what })
  }
  const setItems = (d: PyValue, kv: PyValue[]) => {
    if (!(d instanceof Map)) fail('SETITEM on a non-dict')
    for (let i = 0; i + 1 < kv.length; i += 2) (d as Map<PyKey, PyValue>).set(toKey(kv[i], fail), kv[i + 1])
  }
  const appendAll = (l: PyValue, items: PyValue[]) => {
    if (!Array.isArray(l)) fail('APPEND on a non-list')
    for (const it of items) (l as PyValue[]).push(it)
  }
  const long = (b: Uint8Array): number | bigint => {
    if (b.length === 0) return 0
    let v = 0n
    for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i])
    if (b[b.length - 1] & 0x80) v -= 1n << BigInt(8 * b.length)
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v
  }

  for (;;) {
    const start = pos
    if (pos >= buf.length) fail('the file ends before the STOP opcode (truncated?)')
    const op = buf[pos++]
    switch (op) {
      case 0x80: u8(); break // PROTO
      case 0x95: u64(); break // FRAME (length only; frames are read inline)
      case 0x2e: { // STOP
        const v = pop()
        return v
      }
      case 0x28: stack.push(MARK); break // MARK
      case 0x7d: stack.push(new Map()); break // EMPTY_DICT
      case 0x5d: stack.push([]); break // EMPTY_LIST
      case 0x29: stack.push(new PyTuple([])); break // EMPTY_TUPLE
      case 0x64: { const d = new Map<PyKey, PyValue>(); setItems(d, popMark()); stack.push(d); break } // DICT
      case 0x6c: stack.push(popMark()); break // LIST
      case 0x74: stack.push(new PyTuple(popMark())); break // TUPLE
      case 0x85: stack.push(new PyTuple([pop()])); break // TUPLE1
      case 0x86: { const b = pop(), a = pop(); stack.push(new PyTuple([a, b])); break } // TUPLE2
      case 0x87: { const c = pop(), b = pop(), a = pop(); stack.push(new PyTuple([a, b, c])); break } // TUPLE3
      case 0x61: { const v = pop(); appendAll(top(), [v]); break } // APPEND
      case 0x65: { const items = popMark(); appendAll(top(), items); break } // APPENDS
      case 0x73: { const v = pop(), k = pop(); setItems(top(), [k, v]); break } // SETITEM
      case 0x75: { const kv = popMark(); setItems(top(), kv); break } // SETITEMS
      case 0x4a: stack.push(i32()); break // BININT
      case 0x4b: stack.push(u8()); break // BININT1
      case 0x4d: stack.push(u16()); break // BININT2
      case 0x8a: stack.push(long(bytes(u8()))); break // LONG1
      case 0x8b: { const n = i32(); if (n < 0) fail('negative LONG4 length'); stack.push(long(bytes(n))); break } // LONG4
      case 0x47: { need(8); stack.push(dv.getFloat64(pos, false)); pos += 8; break } // BINFLOAT (big-endian)
      case 0x4e: stack.push(null); break // NONE
      case 0x88: stack.push(true); break // NEWTRUE
      case 0x89: stack.push(false); break // NEWFALSE
      case 0x49: { // INT (text; "I01\n"/"I00\n" are bools)
        const s = line().trim()
        if (s === '01' || s === '00') stack.push(s === '01')
        else if (/^-?\d+$/.test(s)) stack.push(Number(s))
        else fail(`bad INT literal "${s}"`)
        break
      }
      case 0x58: stack.push(utf8(bytes(u32()))); break // BINUNICODE
      case 0x8c: stack.push(utf8(bytes(u8()))); break // SHORT_BINUNICODE
      case 0x8d: stack.push(utf8(bytes(u64()))); break // BINUNICODE8
      case 0x54: { const n = i32(); if (n < 0) fail('negative BINSTRING length'); stack.push(new PyBytes(bytes(n), true)); break } // BINSTRING
      case 0x55: stack.push(new PyBytes(bytes(u8()), true)); break // SHORT_BINSTRING
      case 0x42: stack.push(new PyBytes(bytes(u32()), false)); break // BINBYTES
      case 0x43: stack.push(new PyBytes(bytes(u8()), false)); break // SHORT_BINBYTES
      case 0x8e: stack.push(new PyBytes(bytes(u64()), false)); break // BINBYTES8
      case 0x96: stack.push(new PyBytes(bytes(u64()), false)); break // BYTEARRAY8 (read as bytes)
      case 0x71: memo.set(u8(), top()); break // BINPUT
      case 0x72: memo.set(u32(), top()); break // LONG_BINPUT
      case 0x94: memo.set(memo.size, top()); break // MEMOIZE
      case 0x68: case 0x6a: { // BINGET, LONG_BINGET
        const k = op === 0x68 ? u8() : u32()
        if (!memo.has(k)) fail(`memo entry ${k} undefined`)
        stack.push(memo.get(k)!)
        break
      }
      case 0x30: pop(); break // POP
      case 0x31: popMark(); break // POP_MARK
      case 0x32: stack.push(top()); break // DUP
      case 0x63: { // GLOBAL "module\nname\n"
        const module = line(), name = line()
        if (!ALLOWED_GLOBALS.has(`${module}.${name}`)) unsafe(`global ${module}.${name}`, start)
        stack.push(new PyGlobal(module, name))
        break
      }
      case 0x93: { // STACK_GLOBAL
        const name = pop(), module = pop()
        if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL needs two strings')
        if (!ALLOWED_GLOBALS.has(`${module}.${name}`)) unsafe(`global ${String(module)}.${String(name)}`, start)
        stack.push(new PyGlobal(module as string, name as string))
        break
      }
      case 0x52: { // REDUCE
        const args = pop(), fn = pop()
        if (!(fn instanceof PyGlobal) || !(args instanceof PyTuple)) unsafe('REDUCE of a non-whitelisted callable', start)
        stack.push(callAllowed(fn as PyGlobal, (args as PyTuple).items, fail))
        break
      }
      case 0x62: { // BUILD
        const state = pop(), obj = top()
        build(obj, state, fail, () => unsafe('BUILD (__setstate__) on an object that is not a numpy array or dtype', start))
        break
      }
      default: {
        const names: Record<number, string> = { 0x69: 'INST', 0x6f: 'OBJ', 0x81: 'NEWOBJ', 0x92: 'NEWOBJ_EX', 0x50: 'PERSID', 0x51: 'BINPERSID', 0x82: 'EXT1', 0x83: 'EXT2', 0x84: 'EXT4', 0x97: 'NEXT_BUFFER', 0x98: 'READONLY_BUFFER' }
        unsafe(`opcode ${names[op] ?? 'unknown'} (0x${op.toString(16).padStart(2, '0')})`, start)
      }
    }
  }
}

function toKey(v: PyValue, fail: (m: string) => never): PyKey {
  if (v instanceof PyBytes) return v.latin1()
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return v
  return fail('unsupported dict key type')
}

function text(v: PyValue): string | null {
  if (typeof v === 'string') return v
  if (v instanceof PyBytes) return v.latin1()
  return null
}

function latin1Bytes(s: string, fail: (m: string) => never): Uint8Array {
  const out = new Uint8Array(s.length)
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c > 255) fail('latin-1 encoding of a non-latin-1 character')
    out[i] = c
  }
  return out
}

function callAllowed(fn: PyGlobal, args: PyValue[], fail: (m: string) => never): PyValue {
  switch (fn.name) {
    case '_reconstruct': {
      // _reconstruct(ndarray, shape, dtype_char): an empty array filled by BUILD
      if (!(args[0] instanceof PyGlobal) || args[0].name !== 'ndarray') fail('_reconstruct of something other than numpy.ndarray')
      return new NdArray()
    }
    case 'dtype': {
      const code = text(args[0] ?? null)
      if (code === null) fail('numpy.dtype needs a type code')
      return new DType(code as string)
    }
    case 'encode': {
      const s = args[0], enc = text(args[1] ?? null)
      if (typeof s !== 'string' || (enc !== 'latin1' && enc !== 'latin-1')) fail('_codecs.encode is only read for (str, "latin1")')
      return new PyBytes(latin1Bytes(s as string, fail), false)
    }
    case '_frombuffer': {
      const [b, dt, shape] = args
      if (!(b instanceof PyBytes) || !(dt instanceof DType) || !(shape instanceof PyTuple)) fail('_frombuffer(bytes, dtype, shape, order) expected')
      const a = new NdArray()
      a.data = (b as PyBytes).bytes
      a.dtype = dt as DType
      a.shape = (shape as PyTuple).items.map((x) => Number(x))
      a.fortran = text(args[3] ?? null) === 'F'
      return a
    }
    case 'ndarray':
      return fail('calling numpy.ndarray directly is not supported')
  }
  return fail(`unsupported callable ${fn.module}.${fn.name}`)
}

function build(obj: PyValue, state: PyValue, fail: (m: string) => never, unsafe: () => never): void {
  if (obj instanceof DType) {
    if (!(state instanceof PyTuple)) fail('dtype state must be a tuple')
    const bo = text((state as PyTuple).items[1] ?? null)
    if (bo !== null) obj.byteorder = bo
    return
  }
  if (obj instanceof NdArray) {
    if (!(state instanceof PyTuple)) fail('ndarray state must be a tuple')
    let it = (state as PyTuple).items
    if (it.length === 5) it = it.slice(1) // drop the version
    if (it.length !== 4) fail('ndarray state must be (version, shape, dtype, is_fortran, data)')
    const [shape, dtype, fortran, raw] = it
    if (!(shape instanceof PyTuple) || !(dtype instanceof DType)) fail('ndarray state has a bad shape or dtype')
    obj.shape = (shape as PyTuple).items.map((x) => Number(x))
    obj.dtype = dtype as DType
    obj.fortran = fortran === true || fortran === 1
    if (raw instanceof PyBytes) obj.data = raw.bytes
    else if (typeof raw === 'string') obj.data = latin1Bytes(raw, fail)
    else fail('ndarray data must be raw bytes (object arrays are not supported)')
    return
  }
  unsafe()
}

const ITEM_SIZE: Record<string, number> = { b1: 1, '?': 1, u1: 1, i1: 1, u2: 2, i2: 2, u4: 4, i4: 4, u8: 8, i8: 8, f4: 4, f8: 8 }

/** Normalised dtype code ('u1', 'i8', 'f4', …) of a numpy array. */
export function dtypeCode(a: NdArray): string {
  const c = a.dtype?.code ?? ''
  return c.replace(/^[<>|=]/, '')
}

/** Element count of a numpy array, checked against its raw byte length. */
export function checkNdArray(a: NdArray, file: string, what: string): number {
  const code = dtypeCode(a)
  const size = ITEM_SIZE[code]
  if (!size || !a.data) throw new ZsnasError('BAD_FORMAT', `${file}: ${what} has unsupported dtype "${a.dtype?.code}"; expected a numeric numpy array`, { path: file })
  const n = a.shape.reduce((p, x) => p * x, 1)
  if (n * size !== a.data.length) {
    throw new ZsnasError('BAD_FORMAT', `${file}: ${what} has shape (${a.shape.join(', ')}) of ${code} = ${n * size} bytes but holds ${a.data.length} bytes`, { path: file })
  }
  return n
}

/** A numeric numpy array (or Python list of ints) as plain numbers. */
export function toNumbers(v: PyValue, file: string, what: string): number[] {
  if (Array.isArray(v)) {
    return v.map((x, i) => {
      if (typeof x === 'number') return x
      if (typeof x === 'bigint') return Number(x)
      throw new ZsnasError('BAD_FORMAT', `${file}: ${what}[${i}] is not an integer`, { path: file })
    })
  }
  if (v instanceof NdArray) {
    const n = checkNdArray(v, file, what)
    const code = dtypeCode(v), d = v.data!, le = v.dtype!.littleEndian
    const dv = new DataView(d.buffer, d.byteOffset, d.byteLength)
    const out: number[] = new Array(n)
    for (let i = 0; i < n; i++) {
      switch (code) {
        case 'u1': case 'b1': case '?': out[i] = d[i]; break
        case 'i1': out[i] = dv.getInt8(i); break
        case 'u2': out[i] = dv.getUint16(2 * i, le); break
        case 'i2': out[i] = dv.getInt16(2 * i, le); break
        case 'u4': out[i] = dv.getUint32(4 * i, le); break
        case 'i4': out[i] = dv.getInt32(4 * i, le); break
        case 'u8': out[i] = Number(dv.getBigUint64(8 * i, le)); break
        case 'i8': out[i] = Number(dv.getBigInt64(8 * i, le)); break
        case 'f4': out[i] = dv.getFloat32(4 * i, le); break
        case 'f8': out[i] = dv.getFloat64(8 * i, le); break
      }
    }
    return out
  }
  throw new ZsnasError('BAD_FORMAT', `${file}: ${what} is not a list or numpy array`, { path: file })
}
