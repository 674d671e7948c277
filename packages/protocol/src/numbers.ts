// 64-bit counters decode as plain numbers (exact up to 2^53), not Long objects: no caller wants Long, and a
// count of 2^53 requests is out of reach. This must run before the generated code loads, because the generated
// prototypes capture `util.Long` for their defaults at load time (a zero default would otherwise be a Long).
import $protobuf from 'protobufjs/minimal.js';

$protobuf.util.Long = undefined as unknown as typeof $protobuf.util.Long;
$protobuf.configure();

/**
 * `uint64` as protobufjs reads it (the same number, `lo + hi * 2^32`, and the same errors), without the LongBits
 * object it builds for each value first: the counts of a report's class buckets are 30-60 of them, and those
 * objects were a third of what a controller allocates per report (3 of 9 KiB), which its collector then swept
 * 2,000 times a second. Set after `configure()`, which would put protobufjs's own back.
 */
const TWO_32 = 4_294_967_296;
// protobufjs types it as returning Long, which it does only with util.Long set (see above).
($protobuf.Reader.prototype as unknown as { uint64: () => number }).uint64 = function readUint64(
  this: $protobuf.Reader,
): number {
  const buf = this.buf;
  const len = this.len;
  let pos = this.pos;
  let lo = 0;
  let b = 0;
  // Bytes 1 to 4: 28 bits of the low word.
  for (let shift = 0; shift < 28; shift += 7) {
    if (pos >= len) throw outOfRange(pos, len);
    b = buf[pos++] as number;
    lo |= (b & 127) << shift;
    if (b < 128) {
      this.pos = pos;
      return lo >>> 0;
    }
  }
  // Byte 5: 4 more bits of the low word, 3 of the high one.
  if (pos >= len) throw outOfRange(pos, len);
  b = buf[pos++] as number;
  lo |= (b & 127) << 28;
  let hi = (b & 127) >> 4;
  // Bytes 6 to 10: the rest of the high word (the 10th byte's lowest bit is its last).
  for (let shift = 3; b >= 128; shift += 7) {
    if (shift > 31) throw Error('invalid varint encoding');
    if (pos >= len) throw outOfRange(pos, len);
    b = buf[pos++] as number;
    hi |= (b & 127) << shift;
  }
  this.pos = pos;
  return (lo >>> 0) + (hi >>> 0) * TWO_32;
};

/** protobufjs's own error for a read past the end. */
function outOfRange(pos: number, len: number): RangeError {
  return RangeError(`index out of range: ${pos} + 1 > ${len}`);
}
