/**
 * A minimal protocol-buffers wire-format reader (no schema, no codegen): it
 * walks the fields of one message and hands each to a callback. Enough for
 * the few numeric fields the NAS-Bench-101 metrics need. Malformed input
 * (truncated varint/length, group wire types) throws `ProtobufError`.
 */
export class ProtobufError extends Error {}

export type ProtoField =
  | { no: number; wire: 0; value: bigint } // varint
  | { no: number; wire: 1; bytes: Uint8Array } // fixed64 (8 bytes, little-endian)
  | { no: number; wire: 2; bytes: Uint8Array } // length-delimited
  | { no: number; wire: 5; bytes: Uint8Array } // fixed32

function readVarint(buf: Uint8Array, pos: number): [bigint, number] {
  let v = 0n
  let shift = 0n
  for (let i = 0; i < 10; i++) {
    if (pos >= buf.length) throw new ProtobufError('truncated varint')
    const b = buf[pos++]
    v |= BigInt(b & 0x7f) << shift
    if ((b & 0x80) === 0) return [v, pos]
    shift += 7n
  }
  throw new ProtobufError('varint longer than 10 bytes')
}

/** Calls `onField` for every field of the message in `buf`, in wire order. */
export function forEachField(buf: Uint8Array, onField: (f: ProtoField) => void): void {
  let pos = 0
  while (pos < buf.length) {
    const [tag, p1] = readVarint(buf, pos)
    pos = p1
    const no = Number(tag >> 3n)
    const wire = Number(tag & 7n)
    if (no === 0) throw new ProtobufError('field number 0')
    if (wire === 0) {
      const [v, p2] = readVarint(buf, pos)
      pos = p2
      onField({ no, wire: 0, value: v })
    } else if (wire === 1 || wire === 5) {
      const n = wire === 1 ? 8 : 4
      if (pos + n > buf.length) throw new ProtobufError('truncated fixed-width field')
      onField({ no, wire, bytes: buf.subarray(pos, pos + n) })
      pos += n
    } else if (wire === 2) {
      const [len, p2] = readVarint(buf, pos)
      pos = p2
      const n = Number(len)
      if (pos + n > buf.length) throw new ProtobufError('truncated length-delimited field')
      onField({ no, wire: 2, bytes: buf.subarray(pos, pos + n) })
      pos += n
    } else {
      throw new ProtobufError(`unsupported wire type ${wire}`)
    }
  }
}

/** The IEEE double of a fixed64 field. */
export function fieldDouble(f: ProtoField): number {
  if (f.wire !== 1) throw new ProtobufError(`field ${f.no} is not a double (wire type ${f.wire})`)
  return new DataView(f.bytes.buffer, f.bytes.byteOffset, 8).getFloat64(0, true)
}

/** A varint field as a (signed 64-bit, two's complement) number. */
export function fieldInt(f: ProtoField): number {
  if (f.wire !== 0) throw new ProtobufError(`field ${f.no} is not a varint (wire type ${f.wire})`)
  return Number(BigInt.asIntN(64, f.value))
}
