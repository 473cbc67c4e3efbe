//===- QOptToONNX.cpp - qopt ops -> standard ONNX ops for the exporter ----===//
//
// Rewrites the `qopt` ops of a module (a clone the exporter owns) into
// `onnx` dialect ops that ONNX Runtime runs (docs/quantization.md,
// "Interop out"):
//
//  - qopt.quantize / dequantize -> QuantizeLinear / DequantizeLinear (a zero
//    zero point of the code type is added where ONNX would default to uint8);
//  - qopt.dynamic_quantize per tensor, asymmetric, ui8 ->
//    DynamicQuantizeLinear; the other forms -> ReduceMin / ReduceMax (or
//    ReduceMax of Abs) + Div / Round / Clip / Cast, with the op's semantics;
//  - qopt.qmatmul -> DequantizeLinear of the weight codes, DequantizeLinear
//    of per-tensor activation codes (Cast / Sub / Mul for per-token scales),
//    MatMul, Add of the bias: the QDQ form ONNX Runtime fuses;
//  - qopt.qconv -> DequantizeLinear x2 + Conv (bias as Conv's B);
//  - qopt.weight_matmul, 4 bits with a block size ONNX Runtime accepts (a
//    power of two >= 16; per channel uses block K) -> com.microsoft
//    MatMulNBits (B [N, G, block/2], scales [N*G], zero points 2 per byte);
//    otherwise the codes unpacked (uint4 for 4 bits, uint8 for 2 / 3 / 8)
//    -> block-wise DequantizeLinear (opset 21) + Transpose + MatMul (+ Add);
//  - qopt.weight_matmul with the NF4 code book -> com.microsoft MatMulBnb4
//    (quant_type 1, codes repacked high nibble first as bitsandbytes, absmax
//    [N*G] f32: double-quantized scales dequantized to f32 here) + Add of
//    the bias; other code books and blocks MatMulBnb4 does not take are
//    errors;
//  - qopt.probe -> its operand;
//  - arith.constant -> onnx.Constant.
//
// What cannot be expressed (weight_matmul with a run-time weight) is an
// error naming the op.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Target/ONNX/ExportONNX.h"

#include "QuantOpt/Dialect/ONNX/ONNXOps.h"
#include "QuantOpt/Dialect/QOpt/QOptOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cstring>

using namespace mlir;
namespace onnx = quant_opt::onnx;
namespace qopt = quant_opt::qopt;

namespace {

// ONNX TensorProto data types used by Cast.
constexpr int64_t kFloat = 1, kUInt8 = 2, kInt8 = 3;

class Rewriter {
public:
  Rewriter(Operation *op) : b(op), loc(op->getLoc()) {}

  Operation *make(StringRef name, ValueRange operands, TypeRange types,
                  ArrayRef<NamedAttribute> attrs = {}) {
    OperationState state(loc, ("onnx." + name).str());
    state.addOperands(operands);
    state.addTypes(types);
    state.addAttributes(attrs);
    return b.create(state);
  }
  Value op(StringRef name, ValueRange operands, Type type,
           ArrayRef<NamedAttribute> attrs = {}) {
    return make(name, operands, type, attrs)->getResult(0);
  }
  Value none() { return onnx::NoValueOp::create(b, loc); }
  Value constant(ElementsAttr value) {
    return onnx::ConstantOp::create(b, loc, value);
  }
  Value i64s(ArrayRef<int64_t> values) {
    auto type = RankedTensorType::get({int64_t(values.size())}, b.getI64Type());
    return constant(DenseElementsAttr::get(type, values));
  }
  Value f32Scalar(float v) {
    return constant(DenseElementsAttr::get(
        RankedTensorType::get({}, b.getF32Type()), ArrayRef<float>(v)));
  }
  NamedAttribute attr(StringRef name, int64_t v) {
    return b.getNamedAttr(name, b.getI64IntegerAttr(v));
  }
  NamedAttribute attr(StringRef name, ArrayRef<int64_t> v) {
    return b.getNamedAttr(name, b.getI64ArrayAttr(v));
  }
  Type f32Like(Value v) {
    auto t = cast<RankedTensorType>(v.getType());
    return t.clone(b.getF32Type());
  }
  Type unranked(Type element) { return UnrankedTensorType::get(element); }

  OpBuilder b;
  Location loc;
};

/// The bytes of an 8-bit constant (onnx.Constant after arith.constant was
/// rewritten).
FailureOr<std::vector<uint8_t>> constantBytes(Value v) {
  auto constant = v.getDefiningOp<onnx::ConstantOp>();
  if (!constant)
    return failure();
  auto value = dyn_cast<ElementsAttr>(constant->getAttr("value"));
  if (!value || !value.getElementType().isInteger(8))
    return failure();
  std::vector<uint8_t> out;
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob || blob->getData().size() != size_t(value.getNumElements()))
      return failure();
    ArrayRef<char> data = blob->getData();
    out.assign(data.begin(), data.end());
    return out;
  }
  auto dense = dyn_cast<DenseElementsAttr>(value);
  if (!dense)
    return failure();
  for (const APInt &x : dense.getValues<APInt>())
    out.push_back(static_cast<uint8_t>(x.getZExtValue()));
  return out;
}

/// The values of an f32 constant (onnx.Constant, dense or dense_resource).
FailureOr<std::vector<float>> constantFloats(Value v) {
  auto constant = v.getDefiningOp<onnx::ConstantOp>();
  if (!constant)
    return failure();
  auto value = dyn_cast<ElementsAttr>(constant->getAttr("value"));
  if (!value || !value.getElementType().isF32())
    return failure();
  std::vector<float> out;
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob ||
        blob->getData().size() != size_t(value.getNumElements()) * sizeof(float))
      return failure();
    ArrayRef<char> data = blob->getData();
    out.resize(value.getNumElements());
    std::memcpy(out.data(), data.data(), data.size());
    return out;
  }
  auto dense = dyn_cast<DenseElementsAttr>(value);
  if (!dense)
    return failure();
  for (float x : dense.getValues<float>())
    out.push_back(x);
  return out;
}

/// A zero point of element type `element` and `scale`'s (static) shape
/// filled with `fill`.
FailureOr<Value> filledZeroPoint(Rewriter &r, Operation *op, Value scale,
                                 Type element, int64_t fill) {
  auto scaleType = cast<RankedTensorType>(scale.getType());
  if (!scaleType.hasStaticShape())
    return op->emitError() << "ONNX export: '" << op->getName()
                           << "' without a zero point needs a scale of "
                              "static shape";
  auto type = RankedTensorType::get(scaleType.getShape(), element);
  unsigned width = element.getIntOrFloatBitWidth();
  return r.constant(
      DenseElementsAttr::get(type, ArrayRef<APInt>(APInt(width, fill))));
}

LogicalResult rewriteQuantize(qopt::QuantizeOp op) {
  Rewriter r(op);
  Value zp = op.getZeroPoint();
  if (!zp) {
    Type element = op.getQ().getType().getElementType();
    if (element.isUnsignedInteger(8)) {
      zp = r.none();
    } else {
      auto filled = filledZeroPoint(r, op, op.getScale(), element, 0);
      if (failed(filled))
        return failure();
      zp = *filled;
    }
  }
  Value q = r.op(
      "QuantizeLinear", {op.getX(), op.getScale(), zp}, op.getQ().getType(),
      {r.attr("axis", op.getAxis()), r.attr("block_size", op.getBlockSize())});
  op.getQ().replaceAllUsesWith(q);
  op.erase();
  return success();
}

LogicalResult rewriteDequantize(qopt::DequantizeOp op) {
  Rewriter r(op);
  Value zp = op.getZeroPoint() ? op.getZeroPoint() : r.none();
  Value x = r.op(
      "DequantizeLinear", {op.getQ(), op.getScale(), zp}, op.getX().getType(),
      {r.attr("axis", op.getAxis()), r.attr("block_size", op.getBlockSize())});
  op.getX().replaceAllUsesWith(x);
  op.erase();
  return success();
}

LogicalResult rewriteDynamicQuantize(qopt::DynamicQuantizeOp op) {
  Rewriter r(op);
  bool perRow = op.getGranularity() == qopt::Granularity::per_row;
  Type qElement = op.getQ().getType().getElementType();
  bool isU8 = qElement.isUnsignedInteger(8);
  if (!perRow && !op.getSymmetric() && isU8) {
    Operation *dql =
        r.make("DynamicQuantizeLinear", {op.getX()}, op->getResultTypes());
    op->replaceAllUsesWith(dql->getResults());
    op.erase();
    return success();
  }
  // The expansion: reduce over the last axis (per row) or all axes, kept as
  // size-1 dimensions, then the quantize arithmetic.
  auto xType = cast<RankedTensorType>(op.getX().getType());
  int64_t rank = xType.getRank();
  Type f32 = r.b.getF32Type();
  Type fu = r.unranked(f32);
  Value axes = perRow ? r.i64s({-1}) : r.none();
  auto reduce = [&](StringRef name, Value v) {
    return r.op(name, {v, axes}, fu, {r.attr("keepdims", 1)});
  };
  double qmin = isU8 ? 0 : -128, qmax = isU8 ? 255 : 127;
  Value scale, zpF, lo;
  if (op.getSymmetric()) {
    Value absmax = reduce("ReduceMax", r.op("Abs", {op.getX()}, fu));
    scale = r.op("Div", {absmax, r.f32Scalar(127)}, fu);
    zpF = r.f32Scalar(isU8 ? 128 : 0);
  } else {
    Value zero = r.f32Scalar(0);
    lo = r.op("Min", {reduce("ReduceMin", op.getX()), zero}, fu);
    Value hi = r.op("Max", {reduce("ReduceMax", op.getX()), zero}, fu);
    scale =
        r.op("Div", {r.op("Sub", {hi, lo}, fu), r.f32Scalar(qmax - qmin)}, fu);
  }
  // A zero scale divides by 1 (q = zero point).
  Value isZero =
      r.op("Equal", {scale, r.f32Scalar(0)}, r.unranked(r.b.getI1Type()));
  Value divisor = r.op("Where", {isZero, r.f32Scalar(1), scale}, fu);
  Value qminV = r.f32Scalar(qmin), qmaxV = r.f32Scalar(qmax);
  if (!op.getSymmetric()) {
    zpF = r.op(
        "Clip",
        {r.op("Round",
              {r.op("Sub", {qminV, r.op("Div", {lo, divisor}, fu)}, fu)}, fu),
         qminV, qmaxV},
        fu);
  }
  Value qF = r.op(
      "Clip",
      {r.op("Add",
            {r.op("Round", {r.op("Div", {op.getX(), divisor}, fu)}, fu), zpF},
            fu),
       qminV, qmaxV},
      fu);
  int64_t to = isU8 ? kUInt8 : kInt8;
  Value q = r.op("Cast", {qF}, op.getQ().getType(), {r.attr("to", to)});
  // Scale / zero point without the kept dimension(s).
  auto squeeze = [&](Value v, Type type) -> Value {
    auto target = cast<RankedTensorType>(type);
    SmallVector<int64_t> shape;
    if (perRow) {
      // x's shape with the last dimension dropped; 0 copies x's dimension.
      for (int64_t i = 0; i + 1 < rank; ++i)
        shape.push_back(0);
      return r.op("Reshape", {v, r.i64s(shape)}, target);
    }
    return r.op("Reshape", {v, r.i64s({})}, target);
  };
  Value scaleOut = squeeze(scale, op.getScale().getType());
  // The zero point (a scalar constant when symmetric) at the scale's shape.
  Value scaleShape = r.op("Shape", {scale}, r.unranked(r.b.getI64Type()));
  Value zpFull = r.op("Expand", {zpF, scaleShape}, fu);
  auto zpType = cast<RankedTensorType>(op.getZeroPoint().getType());
  Value zpOut = r.op("Cast", {squeeze(zpFull, zpType.clone(f32))}, zpType,
                     {r.attr("to", to)});
  op.getQ().replaceAllUsesWith(q);
  op.getScale().replaceAllUsesWith(scaleOut);
  op.getZeroPoint().replaceAllUsesWith(zpOut);
  op.erase();
  return success();
}

bool isScalar(Value v) {
  auto t = cast<RankedTensorType>(v.getType());
  return t.hasStaticShape() && t.getNumElements() == 1;
}

/// f32 activations of `a` with per-tensor (DequantizeLinear) or per-token
/// (Cast / Sub / Mul) parameters.
Value dequantizeActivation(Rewriter &r, Value a, Value scale, Value zp) {
  if (isScalar(scale))
    return r.op("DequantizeLinear", {a, scale, zp}, r.f32Like(a));
  Type fu = r.unranked(r.b.getF32Type());
  Value axes = r.i64s({-1});
  Value af = r.op("Cast", {a}, fu, {r.attr("to", kFloat)});
  Value zf = r.op("Cast", {zp}, fu, {r.attr("to", kFloat)});
  Value centered = r.op("Sub", {af, r.op("Unsqueeze", {zf, axes}, fu)}, fu);
  return r.op("Mul", {centered, r.op("Unsqueeze", {scale, axes}, fu)},
              r.f32Like(a));
}

LogicalResult rewriteQMatMul(qopt::QMatMulOp op) {
  Rewriter r(op);
  Value a =
      dequantizeActivation(r, op.getA(), op.getAScale(), op.getAZeroPoint());
  Value b = r.op("DequantizeLinear", {op.getB(), op.getBScale(), r.none()},
                 r.f32Like(op.getB()), {r.attr("axis", 1)});
  Value y = r.op("MatMul", {a, b}, op.getY().getType());
  if (op.getBias())
    y = r.op("Add", {y, op.getBias()}, op.getY().getType());
  op.getY().replaceAllUsesWith(y);
  op.erase();
  return success();
}

LogicalResult rewriteQConv(qopt::QConvOp op) {
  Rewriter r(op);
  Value x =
      r.op("DequantizeLinear", {op.getX(), op.getXScale(), op.getXZeroPoint()},
           r.f32Like(op.getX()));
  Value w = r.op("DequantizeLinear", {op.getW(), op.getWScale(), r.none()},
                 r.f32Like(op.getW()), {r.attr("axis", 0)});
  SmallVector<NamedAttribute> attrs = {
      r.attr("strides", ArrayRef<int64_t>(op.getStrideValues())),
      r.attr("pads", ArrayRef<int64_t>(op.getPadValues())),
      r.attr("dilations", ArrayRef<int64_t>(op.getDilationValues()))};
  if (op.getGroup() != 1)
    attrs.push_back(r.attr("group", op.getGroup()));
  Value bias = op.getBias() ? op.getBias() : r.none();
  Value y = r.op("Conv", {x, w, bias}, op.getY().getType(), attrs);
  op.getY().replaceAllUsesWith(y);
  op.erase();
  return success();
}

LogicalResult rewriteWeightMatMul(qopt::WeightMatMulOp op) {
  Rewriter r(op);
  auto wType = cast<RankedTensorType>(op.getW().getType());
  int64_t n = wType.getDimSize(0), k = op.getK();
  int64_t bits = op.getBits(), storage = op.getStorageBits();
  int64_t groups = op.getNumGroups();
  int64_t block = op.getGroupSize() == 0 ? k : op.getGroupSize();
  auto wBytes = constantBytes(op.getW());
  if (failed(wBytes))
    return op.emitError()
           << "ONNX export: '" << op->getName()
           << "' needs a constant packed weight (its codes are repacked "
              "into an ONNX layout)";
  std::vector<uint8_t> zpBytes;
  if (Value zp = op.getZeroPoint()) {
    auto bytes = constantBytes(zp);
    if (failed(bytes))
      return op.emitError() << "ONNX export: '" << op->getName()
                            << "' needs a constant zero_point";
    zpBytes = std::move(*bytes);
  }
  int64_t rowBytes = wType.getDimSize(1);
  int64_t perByte = 8 / storage;
  auto code = [&](int64_t row, int64_t col) -> uint8_t {
    uint8_t byte = (*wBytes)[row * rowBytes + col / perByte];
    return (byte >> ((col % perByte) * storage)) & ((1 << storage) - 1);
  };
  Type ui8 = IntegerType::get(r.b.getContext(), 8, IntegerType::Unsigned);
  Type ui4 = IntegerType::get(r.b.getContext(), 4, IntegerType::Unsigned);
  Type yType = op.getY().getType();

  if (std::optional<ArrayRef<float>> book = op.getCodebook()) {
    // MatMulBnb4 (NF4): B [ceil(N*K/2)] over the flattened [N, K] weight,
    // the first code of a byte in the HIGH nibble (bitsandbytes); absmax
    // [ceil(N*K/block)] f32 over the same flat order, so blocks must not
    // straddle rows (block divides K); ONNX Runtime 1.20.1 takes blocks of
    // 16 to 256 only. No bias input: Add.
    static const float nf4[16] = {
        -1.0f, -0.6961928009986877f, -0.5250730514526367f,
        -0.39491748809814453f, -0.28444138169288635f, -0.18477343022823334f,
        -0.09105003625154495f, 0.0f, 0.07958029955625534f,
        0.16093020141124725f, 0.24611230194568634f, 0.33791524171829224f,
        0.44070982933044434f, 0.5626170039176941f, 0.7229568362236023f, 1.0f};
    if (!llvm::equal(*book, ArrayRef<float>(nf4)))
      return op.emitError()
             << "ONNX export: '" << op->getName()
             << "' with a code book other than NF4 has no ONNX form";
    if (!llvm::is_contained({16, 32, 64, 128, 256}, block) || k % block != 0)
      return op.emitError()
             << "ONNX export: '" << op->getName() << "': NF4 with block "
             << block << " and K = " << k
             << " has no ONNX form ONNX Runtime 1.20.1 runs (MatMulBnb4 "
                "takes blocks of 16, 32, 64, 128 or 256 that divide K)";
    std::vector<uint8_t> packed((n * k + 1) / 2, 0);
    for (int64_t row = 0; row < n; ++row)
      for (int64_t col = 0; col < k; ++col) {
        int64_t flat = row * k + col;
        packed[flat / 2] |= code(row, col) << (flat % 2 ? 0 : 4);
      }
    Value bConst = r.constant(DenseElementsAttr::get(
        RankedTensorType::get({int64_t(packed.size())}, ui8),
        ArrayRef<uint8_t>(packed.data(), packed.size())));
    auto absmaxType = RankedTensorType::get({n * groups}, r.b.getF32Type());
    Value absmax;
    if (op.hasDoubleQuantScales()) {
      // Double-quantized scales dequantized to f32 (MatMulBnb4 reads f32
      // absmax): code * scale_scale[i / 256] + scale_offset.
      auto codes = constantBytes(op.getScale());
      auto blockScales = constantFloats(op.getScaleScale());
      auto offset = constantFloats(op.getScaleOffset());
      if (failed(codes) || failed(blockScales) || failed(offset) ||
          offset->size() != 1 || int64_t(codes->size()) != n * groups)
        return op.emitError()
               << "ONNX export: '" << op->getName()
               << "' needs constant double-quantized scales";
      std::vector<float> values(n * groups);
      for (int64_t i = 0; i < n * groups; ++i)
        values[i] = float(int8_t((*codes)[i])) *
                        (*blockScales)[i / qopt::WeightMatMulOp::kScaleBlock] +
                    (*offset)[0];
      absmax = r.constant(DenseElementsAttr::get(
          absmaxType, ArrayRef<float>(values.data(), values.size())));
    } else {
      absmax = r.op("Reshape", {op.getScale(), r.i64s({n * groups})},
                    absmaxType);
    }
    Operation *bnb = r.make("MatMulBnb4", {op.getX(), bConst, absmax}, yType,
                            {r.attr("K", k), r.attr("N", n),
                             r.attr("block_size", block),
                             r.attr("quant_type", 1)});
    Value y = bnb->getResult(0);
    if (op.getBias())
      y = r.op("Add", {y, op.getBias()}, yType);
    op.getY().replaceAllUsesWith(y);
    op.erase();
    return success();
  }

  bool nbits = bits == 4 && block >= 16 && llvm::isPowerOf2_64(block);
  if (nbits) {
    // B [N, G, block/2]: each row padded to whole blocks.
    std::vector<uint8_t> packed(n * groups * (block / 2), 0);
    for (int64_t row = 0; row < n; ++row)
      for (int64_t col = 0; col < k; ++col)
        packed[row * groups * (block / 2) + col / 2] |= code(row, col)
                                                        << ((col % 2) * 4);
    auto bType = RankedTensorType::get({n, groups, block / 2}, ui8);
    Value bConst = r.constant(DenseElementsAttr::get(
        bType, ArrayRef<uint8_t>(packed.data(), packed.size())));
    Value scales = r.op("Reshape", {op.getScale(), r.i64s({n * groups})},
                        RankedTensorType::get({n * groups}, r.b.getF32Type()));
    Value zp = r.none();
    if (!zpBytes.empty()) {
      int64_t zpRow = (groups + 1) / 2;
      std::vector<uint8_t> zpPacked(n * zpRow, 0);
      for (int64_t row = 0; row < n; ++row)
        for (int64_t g = 0; g < groups; ++g)
          zpPacked[row * zpRow + g / 2] |= (zpBytes[row * groups + g] & 0xf)
                                           << ((g % 2) * 4);
      zp = r.constant(DenseElementsAttr::get(
          RankedTensorType::get({n * zpRow}, ui8),
          ArrayRef<uint8_t>(zpPacked.data(), zpPacked.size())));
    }
    SmallVector<Value> operands = {op.getX(), bConst, scales, zp};
    if (op.getBias())
      operands.append({r.none(), op.getBias()});
    Value y = r.op("MatMulNBits", operands, yType,
                   {r.attr("K", k), r.attr("N", n), r.attr("bits", 4),
                    r.attr("block_size", block)});
    op.getY().replaceAllUsesWith(y);
    op.erase();
    return success();
  }

  // Unpacked codes [N, K] (uint4 for 4 bits, else uint8) and zero points
  // [N, G] of the same type, DequantizeLinear per block along K.
  // One byte per code: MLIR's storage of 4- and 8-bit dense elements.
  Type element = bits == 4 ? ui4 : ui8;
  auto rawConstant = [&](ArrayRef<int64_t> shape,
                         const std::vector<uint8_t> &bytes) {
    return r.constant(DenseElementsAttr::getFromRawBuffer(
        RankedTensorType::get(shape, element),
        ArrayRef<char>(reinterpret_cast<const char *>(bytes.data()),
                       bytes.size())));
  };
  std::vector<uint8_t> codes(n * k);
  for (int64_t row = 0; row < n; ++row)
    for (int64_t col = 0; col < k; ++col)
      codes[row * k + col] = code(row, col);
  Value wConst = rawConstant({n, k}, codes);
  if (zpBytes.empty())
    zpBytes.assign(n * groups, uint8_t(1) << (bits - 1));
  Value zpConst = rawConstant({n, groups}, zpBytes);
  Value wf = r.op("DequantizeLinear", {wConst, op.getScale(), zpConst},
                  RankedTensorType::get({n, k}, r.b.getF32Type()),
                  {r.attr("axis", 1), r.attr("block_size", block)});
  Value wt =
      r.op("Transpose", {wf}, RankedTensorType::get({k, n}, r.b.getF32Type()),
           {r.attr("perm", ArrayRef<int64_t>{1, 0})});
  Value y = r.op("MatMul", {op.getX(), wt}, yType);
  if (op.getBias())
    y = r.op("Add", {y, op.getBias()}, yType);
  op.getY().replaceAllUsesWith(y);
  op.erase();
  return success();
}

} // namespace

LogicalResult quant_opt::convertQOptToONNXForExport(ModuleOp module) {
  // Constants first, so that weight rewrites find onnx.Constant operands.
  SmallVector<arith::ConstantOp> constants;
  module.walk([&](arith::ConstantOp c) { constants.push_back(c); });
  for (arith::ConstantOp c : constants) {
    auto value = dyn_cast<ElementsAttr>(c.getValue());
    if (!value)
      return c.emitError() << "ONNX export: scalar arith.constant has no "
                              "ONNX form (tensors only)";
    OpBuilder b(c);
    Value replacement = onnx::ConstantOp::create(b, c.getLoc(), value);
    c.getResult().replaceAllUsesWith(replacement);
    c.erase();
  }
  SmallVector<Operation *> ops;
  module.walk([&](Operation *op) {
    if (isa_and_nonnull<qopt::QOptDialect>(op->getDialect()))
      ops.push_back(op);
  });
  for (Operation *op : ops) {
    LogicalResult result = TypeSwitch<Operation *, LogicalResult>(op)
                               .Case([](qopt::ProbeOp p) {
                                 p.getY().replaceAllUsesWith(p.getX());
                                 p.erase();
                                 return success();
                               })
                               .Case(rewriteQuantize)
                               .Case(rewriteDequantize)
                               .Case(rewriteDynamicQuantize)
                               .Case(rewriteQMatMul)
                               .Case(rewriteQConv)
                               .Case(rewriteWeightMatMul)
                               .Default([](Operation *other) {
                                 return other->emitError()
                                        << "ONNX export: '" << other->getName()
                                        << "' has no ONNX form";
                               });
    if (failed(result))
      return failure();
  }
  // Constants made among the nodes move to the front: the exporter writes
  // the leading constants as initializers.
  module.walk([](func::FuncOp func) {
    if (func.isExternal())
      return;
    Block &block = func.getBody().front();
    // The packed weights that were repacked are no longer read.
    for (Operation &op : llvm::make_early_inc_range(block))
      if (isa<onnx::ConstantOp, onnx::NoValueOp>(op) && op.use_empty())
        op.erase();
    Operation *firstNode = nullptr;
    for (Operation &op : llvm::make_early_inc_range(block)) {
      bool leading = isa<onnx::ConstantOp, onnx::NoValueOp>(op);
      if (!leading && !firstNode)
        firstNode = &op;
      else if (leading && firstNode && isa<onnx::ConstantOp>(op))
        op.moveBefore(firstNode);
    }
  });
  return success();
}
