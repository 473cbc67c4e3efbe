'use strict';
// ONNX TensorProto (.pb, as in the ONNX backend test data) <-> typed arrays.
// A minimal protobuf wire-format reader and writer for the fields that hold
// dense tensors:
//   1 dims (int64, packed or not)   2 data_type (int32)   4 float_data
//   5 int32_data   7 int64_data   8 name   9 raw_data   10 double_data
//   11 uint64_data
// Unknown fields are skipped; segments, strings and external data are
// rejected with an error naming the file.

const os = require('os');

if (os.endianness() !== 'LE') {
  throw new Error('tensor-pb: raw_data is little-endian; this host is not');
}

// ONNX TensorProto.DataType -> { name (ONNX's), ort (onnxruntime-node's), array }
const DTYPES = {
  1: { name: 'float', ort: 'float32', array: Float32Array },
  2: { name: 'uint8', ort: 'uint8', array: Uint8Array },
  3: { name: 'int8', ort: 'int8', array: Int8Array },
  4: { name: 'uint16', ort: 'uint16', array: Uint16Array },
  5: { name: 'int16', ort: 'int16', array: Int16Array },
  6: { name: 'int32', ort: 'int32', array: Int32Array },
  7: { name: 'int64', ort: 'int64', array: BigInt64Array },
  9: { name: 'bool', ort: 'bool', array: Uint8Array },
  10: { name: 'float16', ort: 'float16', array: Uint16Array },
  11: { name: 'double', ort: 'float64', array: Float64Array },
  12: { name: 'uint32', ort: 'uint32', array: Uint32Array },
  13: { name: 'uint64', ort: 'uint64', array: BigUint64Array },
};
const UNSUPPORTED = { 0: 'undefined', 8: 'string', 14: 'complex64', 15: 'complex128', 16: 'bfloat16' };

function ortTypeToOnnx(ortType) {
  for (const [code, d] of Object.entries(DTYPES)) {
    if (d.ort === ortType) return Number(code);
  }
  throw new Error(`tensor type '${ortType}' has no ONNX TensorProto encoding here`);
}

class Reader {
  constructor(buf, what) {
    this.buf = buf;
    this.pos = 0;
    this.what = what;
  }
  fail(msg) {
    throw new Error(`${this.what}: malformed TensorProto at byte ${this.pos}: ${msg}`);
  }
  eof() { return this.pos >= this.buf.length; }
  varint() { // BigInt, unsigned 64-bit
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.buf.length) this.fail('truncated varint');
      const b = this.buf[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) break;
      shift += 7n;
      if (shift > 63n) this.fail('varint longer than 10 bytes');
    }
    return BigInt.asUintN(64, result);
  }
  bytes(n) {
    if (n < 0 || this.pos + n > this.buf.length) this.fail('truncated field');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  lengthDelimited() { return this.bytes(Number(this.varint())); }
  skip(wireType) {
    switch (wireType) {
      case 0: this.varint(); break;
      case 1: this.bytes(8); break;
      case 2: this.lengthDelimited(); break;
      case 5: this.bytes(4); break;
      default: this.fail(`unsupported wire type ${wireType}`);
    }
  }
}

// Repeated scalar field: packed (wire type 2) or one element per tag.
function readRepeated(r, wireType, scalarWire, readOne, out) {
  if (wireType === 2 && scalarWire !== 2) {
    const sub = new Reader(r.lengthDelimited(), r.what);
    while (!sub.eof()) out.push(readOne(sub));
  } else if (wireType === scalarWire) {
    out.push(readOne(r));
  } else {
    r.fail(`wire type ${wireType} for a repeated field of wire type ${scalarWire}`);
  }
}
const fixed32f = (r) => { const b = r.bytes(4); return Buffer.from(b).readFloatLE(0); };
const fixed64d = (r) => { const b = r.bytes(8); return Buffer.from(b).readDoubleLE(0); };
const varintU = (r) => r.varint();

/// Parses a serialized TensorProto. Returns
/// { name, dataType, dtype: {name, ort, array}, dims: number[], data: TypedArray }.
function decodeTensor(buf, what = 'tensor') {
  const r = new Reader(buf, what);
  const dims = [];
  let dataType = 0;
  let name = '';
  let raw = null;
  const floats = [], int32s = [], int64s = [], doubles = [], uint64s = [];
  let hasSegment = false, hasStrings = false, external = false;
  while (!r.eof()) {
    const key = Number(r.varint());
    const field = key >>> 3, wire = key & 7;
    switch (field) {
      case 1: readRepeated(r, wire, 0, varintU, dims); break;
      case 2: if (wire !== 0) r.fail('data_type is not a varint'); dataType = Number(r.varint()); break;
      case 3: hasSegment = true; r.skip(wire); break;
      case 4: readRepeated(r, wire, 5, fixed32f, floats); break;
      case 5: readRepeated(r, wire, 0, varintU, int32s); break;
      case 6: hasStrings = true; r.skip(wire); break;
      case 7: readRepeated(r, wire, 0, varintU, int64s); break;
      case 8: if (wire !== 2) r.fail('name is not a string'); name = Buffer.from(r.lengthDelimited()).toString('utf8'); break;
      case 9: if (wire !== 2) r.fail('raw_data is not bytes'); raw = r.lengthDelimited(); break;
      case 10: readRepeated(r, wire, 1, fixed64d, doubles); break;
      case 11: readRepeated(r, wire, 0, varintU, uint64s); break;
      case 14: if (wire !== 0) r.fail('data_location is not a varint'); external = r.varint() === 1n; break;
      default: r.skip(wire);
    }
  }
  if (hasSegment) throw new Error(`${what}: segmented TensorProto is not supported`);
  if (external) throw new Error(`${what}: external data is not supported`);
  if (hasStrings || dataType === 8) throw new Error(`${what}: string tensors are not supported`);
  const dtype = DTYPES[dataType];
  if (!dtype) {
    throw new Error(`${what}: data_type ${dataType} (${UNSUPPORTED[dataType] || 'unknown'}) is not supported`);
  }
  const shape = dims.map((d) => {
    const v = BigInt.asIntN(64, d);
    if (v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`${what}: bad dimension ${v}`);
    return Number(v);
  });
  const count = shape.reduce((a, b) => a * b, 1);
  const A = dtype.array;
  let data;
  if (raw !== null) {
    if (raw.length !== count * A.BYTES_PER_ELEMENT) {
      throw new Error(`${what}: raw_data has ${raw.length} bytes, shape [${shape}] of ${dtype.name} needs ${count * A.BYTES_PER_ELEMENT}`);
    }
    data = new A(count);
    new Uint8Array(data.buffer).set(raw); // copy: aligned, owned
  } else {
    let src;
    switch (dataType) {
      case 1: src = floats; break;
      case 11: src = doubles; break;
      case 7: src = int64s.map((v) => BigInt.asIntN(64, v)); break;
      case 13: src = uint64s; break;
      case 12: src = uint64s.map((v) => Number(BigInt.asUintN(32, v))); break;
      // int32_data holds int32, int16, int8, uint16, uint8, bool, float16 bits
      default: src = int32s.map((v) => Number(BigInt.asIntN(32, v))); break;
    }
    if (src.length !== count) {
      throw new Error(`${what}: ${src.length} elements for shape [${shape}] (${count} elements)`);
    }
    data = A.from(src);
  }
  return { name, dataType, dtype, dims: shape, data };
}

function encodeVarint(value, out) {
  let v = BigInt.asUintN(64, BigInt(value));
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) b |= 0x80;
    out.push(b);
  } while (v !== 0n);
}

/// Serializes a tensor as a TensorProto with dims (packed), data_type, name
/// and raw_data. `data` is a typed array of the ONNX type `dataType`.
function encodeTensor({ name, dataType, dims, data }) {
  const head = [];
  if (dims.length) {
    const packed = [];
    for (const d of dims) encodeVarint(d, packed);
    head.push(0x0a); // field 1, wire 2
    encodeVarint(packed.length, head);
    head.push(...packed);
  }
  head.push(0x10); // field 2, wire 0
  encodeVarint(dataType, head);
  if (name) {
    const n = Buffer.from(name, 'utf8');
    head.push(0x42); // field 8, wire 2
    encodeVarint(n.length, head);
    head.push(...n);
  }
  const raw = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  head.push(0x4a); // field 9, wire 2
  encodeVarint(raw.length, head);
  return Buffer.concat([Buffer.from(head), raw]);
}

module.exports = { DTYPES, decodeTensor, encodeTensor, ortTypeToOnnx };
