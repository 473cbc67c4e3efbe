//===- QuantOps.cpp - quantization op type inference ----------------------===//
//
// Conv and matmul shapes come from the helpers of NNOps.cpp (ConvShape.h).
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Dialect/ONNX/ONNXOps.h"

#include "QuantOpt/Dialect/ONNX/ConvShape.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace quant_opt::onnx;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// True if two shapes may be equal at run time.
static bool shapesCompatible(ArrayRef<int64_t> a, ArrayRef<int64_t> b) {
  if (a.size() != b.size())
    return false;
  for (auto [x, y] : llvm::zip(a, b))
    if (x != kDyn && y != kDyn && x != y)
      return false;
  return true;
}

/// A zero point, when present and ranked, has its scale's shape.
static LogicalResult checkZeroPointShape(Operation *op, Value scale,
                                         StringRef scaleName, Value zp,
                                         StringRef zpName) {
  if (isNoValue(zp))
    return success();
  auto ss = shapeOf(scale), zs = shapeOf(zp);
  if (ss && zs && !shapesCompatible(*ss, *zs))
    return op->emitOpError("'")
           << zpName << "' must have the shape of '" << scaleName << "'";
  return success();
}

/// `v` is a scalar or a 1-D tensor (of `size` elements when `size` is known
/// and the tensor has more than one element).
static LogicalResult checkScalarOrVector(Operation *op, Value v, StringRef name,
                                         int64_t size = kDyn) {
  if (isNoValue(v))
    return success();
  auto shape = shapeOf(v);
  if (!shape || shape->empty())
    return success();
  if (shape->size() != 1)
    return op->emitOpError("'")
           << name << "' must be a scalar or 1-D, got rank " << shape->size();
  int64_t n = (*shape)[0];
  if (n != 1 && n != kDyn && size != kDyn && n != size)
    return op->emitOpError("'")
           << name << "' has " << n << " elements, expected 1 or " << size;
  return success();
}

/// `v` holds one element: a scalar or a 1-element 1-D tensor.
static LogicalResult checkScalar(Operation *op, Value v, StringRef name) {
  if (isNoValue(v))
    return success();
  auto shape = shapeOf(v);
  if (!shape || shape->empty())
    return success();
  if (shape->size() != 1 || ((*shape)[0] != 1 && (*shape)[0] != kDyn))
    return op->emitOpError("'") << name << "' must be a scalar";
  return success();
}

/// Validates the scale / zero point of QuantizeLinear and DequantizeLinear
/// against `x`: per tensor (scalar or 1 element), per axis (1-D of size
/// dim(axis)) or blocked (x's rank, dim(axis) = ceil(dim / block_size)).
static LogicalResult checkQuantParams(Operation *op, Value x, Value scale,
                                      StringRef scaleName, Value zp,
                                      StringRef zpName, int64_t axis,
                                      int64_t blockSize) {
  if (blockSize < 0)
    return op->emitOpError("attribute 'block_size' has invalid value ")
           << blockSize << " (must be non-negative)";
  if (failed(checkZeroPointShape(op, scale, scaleName, zp, zpName)))
    return failure();
  auto ss = shapeOf(scale);
  if (!ss)
    return success();
  auto xs = shapeOf(x);
  if (blockSize == 0) {
    if (ss->empty())
      return success();
    if (ss->size() != 1)
      return op->emitOpError("'")
             << scaleName
             << "' must be a scalar or 1-D when 'block_size' is 0, got rank "
             << ss->size();
    int64_t count = (*ss)[0];
    if (count == 1 || count == kDyn || !xs)
      return success();
    auto ax = normalizeAxis(op, axis, xs->size(), "attribute 'axis'");
    if (failed(ax))
      return failure();
    int64_t dim = (*xs)[*ax];
    if (dim != kDyn && dim != count)
      return op->emitOpError("per-axis '")
             << scaleName << "' has " << count << " elements but dimension "
             << *ax << " of the input is " << dim;
    return success();
  }
  if (!xs)
    return success();
  if (ss->size() != xs->size())
    return op->emitOpError("blocked '")
           << scaleName << "' must have the input's rank " << xs->size()
           << ", got " << ss->size();
  auto ax = normalizeAxis(op, axis, xs->size(), "attribute 'axis'");
  if (failed(ax))
    return failure();
  for (size_t i = 0; i < xs->size(); ++i) {
    int64_t dim = (*xs)[i], expected = dim;
    if (dim != kDyn && (int64_t)i == *ax)
      expected = dim / blockSize + (dim % blockSize != 0);
    int64_t actual = (*ss)[i];
    if (expected != kDyn && actual != kDyn && expected != actual)
      return op->emitOpError("blocked '")
             << scaleName << "' dimension " << i << " is " << actual
             << ", expected " << expected;
  }
  return success();
}

/// The element types QuantizeLinear may produce.
static bool isQuantizedElementType(Type t) {
  if (auto intType = dyn_cast<IntegerType>(t))
    return !intType.isSigned() &&
           (intType.getWidth() == 4 || intType.getWidth() == 8 ||
            intType.getWidth() == 16);
  return isa<Float8E4M3FNType, Float8E4M3FNUZType, Float8E5M2Type,
             Float8E5M2FNUZType>(t);
}

static ConvPoolAttrs convAttrs(StringRef autoPad, ArrayAttr kernelShape,
                               ArrayAttr pads, ArrayAttr strides,
                               ArrayAttr dilations) {
  ConvPoolAttrs attrs;
  attrs.autoPad = autoPad;
  attrs.kernelShape = kernelShape;
  attrs.pads = pads;
  attrs.strides = strides;
  attrs.dilations = dilations;
  return attrs;
}

//===----------------------------------------------------------------------===//
// QuantizeLinear / DequantizeLinear / DynamicQuantizeLinear
//===----------------------------------------------------------------------===//

LogicalResult
QuantizeLinearOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  if (failed(checkQuantParams(*this, getX(), getYScale(), "y_scale",
                              getYZeroPoint(), "y_zero_point", getAxis(),
                              getBlockSize())))
    return failure();
  Type elementType;
  if (!isNoValue(getYZeroPoint()))
    elementType = elementTypeOf(getYZeroPoint());
  if (int64_t dtype = getOutputDtype()) {
    Type t = getTypeFromONNXDataType(getContext(), dtype);
    if (!t || !isQuantizedElementType(t))
      return emitOpError("attribute 'output_dtype' has invalid value ")
             << dtype << " (not a quantized ONNX data type)";
    if (elementType && elementType != t)
      return emitOpError("attribute 'output_dtype' (")
             << t << ") disagrees with the 'y_zero_point' element type "
             << elementType;
    elementType = t;
  }
  if (!elementType)
    elementType = IntegerType::get(getContext(), 8, IntegerType::Unsigned);
  inferred.push_back(makeTensorType(shapeOf(getX()), elementType));
  return success();
}

LogicalResult
DequantizeLinearOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  if (failed(checkSameElementType(*this, getX(), "x", getXZeroPoint(),
                                  "x_zero_point")) ||
      failed(checkQuantParams(*this, getX(), getXScale(), "x_scale",
                              getXZeroPoint(), "x_zero_point", getAxis(),
                              getBlockSize())))
    return failure();
  inferred.push_back(
      makeTensorType(shapeOf(getX()), elementTypeOf(getXScale())));
  return success();
}

LogicalResult
DynamicQuantizeLinearOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  Type ui8 = IntegerType::get(getContext(), 8, IntegerType::Unsigned);
  inferred.push_back(makeTensorType(shapeOf(getX()), ui8));
  inferred.push_back(RankedTensorType::get({}, Float32Type::get(getContext())));
  inferred.push_back(RankedTensorType::get({}, ui8));
  return success();
}

//===----------------------------------------------------------------------===//
// QLinearMatMul / MatMulInteger
//===----------------------------------------------------------------------===//

LogicalResult
QLinearMatMulOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  if (failed(checkSameElementType(*this, getA(), "a", getAZeroPoint(),
                                  "a_zero_point")) ||
      failed(checkSameElementType(*this, getB(), "b", getBZeroPoint(),
                                  "b_zero_point")) ||
      failed(checkScalarOrVector(*this, getAScale(), "a_scale")) ||
      failed(checkScalarOrVector(*this, getBScale(), "b_scale")) ||
      failed(checkScalarOrVector(*this, getYScale(), "y_scale")) ||
      failed(checkZeroPointShape(*this, getAScale(), "a_scale", getAZeroPoint(),
                                 "a_zero_point")) ||
      failed(checkZeroPointShape(*this, getBScale(), "b_scale", getBZeroPoint(),
                                 "b_zero_point")) ||
      failed(checkZeroPointShape(*this, getYScale(), "y_scale", getYZeroPoint(),
                                 "y_zero_point")))
    return failure();
  auto shape = inferMatMulShape(*this, getA(), getB());
  if (failed(shape))
    return failure();
  inferred.push_back(makeTensorType(*shape, elementTypeOf(getYZeroPoint())));
  return success();
}

LogicalResult
MatMulIntegerOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  if (failed(checkSameElementType(*this, getA(), "A", getAZeroPoint(),
                                  "a_zero_point")) ||
      failed(checkSameElementType(*this, getB(), "B", getBZeroPoint(),
                                  "b_zero_point")))
    return failure();
  auto shape = inferMatMulShape(*this, getA(), getB());
  if (failed(shape))
    return failure();
  inferred.push_back(
      makeTensorType(*shape, IntegerType::get(getContext(), 32)));
  return success();
}

//===----------------------------------------------------------------------===//
// QLinearConv / ConvInteger
//===----------------------------------------------------------------------===//

LogicalResult QLinearConvOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  if (failed(checkSameElementType(*this, getX(), "x", getXZeroPoint(),
                                  "x_zero_point")) ||
      failed(checkSameElementType(*this, getW(), "w", getWZeroPoint(),
                                  "w_zero_point")) ||
      failed(checkScalar(*this, getXScale(), "x_scale")) ||
      failed(checkScalar(*this, getXZeroPoint(), "x_zero_point")) ||
      failed(checkScalar(*this, getYScale(), "y_scale")) ||
      failed(checkScalar(*this, getYZeroPoint(), "y_zero_point")))
    return failure();
  auto shape = inferConvResultShape(
      *this, getX(), getW(), getGroup(),
      convAttrs(getAutoPad(), getKernelShapeAttr(), getPadsAttr(),
                getStridesAttr(), getDilationsAttr()));
  if (failed(shape))
    return failure();
  int64_t m = *shape ? (**shape)[1] : kDyn;
  if (failed(checkScalarOrVector(*this, getWScale(), "w_scale", m)) ||
      failed(checkScalarOrVector(*this, getWZeroPoint(), "w_zero_point", m)))
    return failure();
  if (!isNoValue(getB())) {
    if (auto bs = shapeOf(getB())) {
      if (bs->size() != 1)
        return emitOpError("bias must be 1-D, got rank ") << bs->size();
      if ((*bs)[0] != kDyn && m != kDyn && (*bs)[0] != m)
        return emitOpError("bias has ") << (*bs)[0] << " elements, expected "
                                        << m << " (output channels)";
    }
  }
  inferred.push_back(makeTensorType(*shape, elementTypeOf(getYZeroPoint())));
  return success();
}

LogicalResult ConvIntegerOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  if (failed(checkSameElementType(*this, getX(), "x", getXZeroPoint(),
                                  "x_zero_point")) ||
      failed(checkSameElementType(*this, getW(), "w", getWZeroPoint(),
                                  "w_zero_point")) ||
      failed(checkScalar(*this, getXZeroPoint(), "x_zero_point")))
    return failure();
  auto shape = inferConvResultShape(
      *this, getX(), getW(), getGroup(),
      convAttrs(getAutoPad(), getKernelShapeAttr(), getPadsAttr(),
                getStridesAttr(), getDilationsAttr()));
  if (failed(shape))
    return failure();
  int64_t m = *shape ? (**shape)[1] : kDyn;
  if (failed(checkScalarOrVector(*this, getWZeroPoint(), "w_zero_point", m)))
    return failure();
  inferred.push_back(
      makeTensorType(*shape, IntegerType::get(getContext(), 32)));
  return success();
}

//===----------------------------------------------------------------------===//
// MatMulNBits (com.microsoft)
//===----------------------------------------------------------------------===//

/// `v` (when ranked) holds `count` elements as [count] or [rows, cols].
static LogicalResult checkBlockTable(Operation *op, Value v, StringRef name,
                                     int64_t rows, int64_t cols) {
  auto shape = shapeOf(v);
  if (!shape)
    return success();
  int64_t count = rows * cols; // Both validated small enough by the caller.
  if (shape->size() == 1) {
    if ((*shape)[0] != kDyn && (*shape)[0] != count)
      return op->emitOpError("'")
             << name << "' has " << (*shape)[0] << " elements, expected "
             << count << " (N x blocks)";
    return success();
  }
  if (shape->size() == 2) {
    if (!shapesCompatible(*shape, {rows, cols}))
      return op->emitOpError("'") << name << "' must have shape [" << rows
                                  << ", " << cols << "] or [" << count << "]";
    return success();
  }
  return op->emitOpError("'")
         << name << "' must be 1-D or 2-D, got rank " << shape->size();
}

LogicalResult MatMulNBitsOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  int64_t k = getK(), n = getN(), bits = getBits(), blockSize = getBlockSize();
  if (k < 1)
    return emitOpError("attribute 'K' has invalid value ")
           << k << " (must be positive)";
  if (n < 1)
    return emitOpError("attribute 'N' has invalid value ")
           << n << " (must be positive)";
  if (bits < 2 || bits > 8)
    return emitOpError("attribute 'bits' has invalid value ")
           << bits << " (expected 2 to 8)";
  if (blockSize < 16 || !llvm::isPowerOf2_64(blockSize))
    return emitOpError("attribute 'block_size' has invalid value ")
           << blockSize << " (must be a power of 2, at least 16)";
  int64_t accuracy = getAccuracyLevel();
  if (accuracy < 0 || accuracy > 4)
    return emitOpError("attribute 'accuracy_level' has invalid value ")
           << accuracy << " (expected 0 to 4)";
  int64_t blocks = k / blockSize + (k % blockSize != 0);
  int64_t blobSize = blockSize / 8 * bits;
  int64_t tableSize;
  if (llvm::MulOverflow(n, blocks, tableSize) ||
      llvm::MulOverflow(tableSize, blobSize, tableSize))
    return emitOpError("attributes 'N' and 'K' are too large");

  Type elementType = elementTypeOf(getA());
  if (failed(checkSameElementType(*this, getA(), "A", getScales(), "scales")) ||
      failed(checkSameElementType(*this, getA(), "A", getBias(), "bias")))
    return failure();
  auto as = shapeOf(getA());
  if (as) {
    if (as->empty())
      return emitOpError("'A' must have rank >= 1");
    if (as->back() != kDyn && as->back() != k)
      return emitOpError("last dimension of 'A' is ")
             << as->back() << ", expected K = " << k;
  }
  if (auto bs = shapeOf(getB())) {
    if (!shapesCompatible(*bs, {n, blocks, blobSize}))
      return emitOpError("'B' must have shape [N, ceil(K / block_size), "
                         "block_size * bits / 8] = [")
             << n << ", " << blocks << ", " << blobSize << "]";
  }
  if (failed(checkBlockTable(*this, getScales(), "scales", n, blocks)))
    return failure();
  Value zp = getZeroPoints();
  if (!isNoValue(zp)) {
    Type zpType = elementTypeOf(zp);
    if (isa<FloatType>(zpType)) {
      if (failed(checkSameElementType(*this, getA(), "A", zp, "zero_points")) ||
          failed(checkBlockTable(*this, zp, "zero_points", n, blocks)))
        return failure();
    } else if (zpType.isUnsignedInteger(8)) {
      // Packed: each row of N holds ceil(blocks * bits / 8) bytes.
      int64_t bytes = (blocks * bits + 7) / 8;
      if (failed(checkBlockTable(*this, zp, "zero_points", n, bytes)))
        return failure();
    }
  }
  if (!isNoValue(getGIdx())) {
    if (auto gs = shapeOf(getGIdx()))
      if (!shapesCompatible(*gs, {k}))
        return emitOpError("'g_idx' must have shape [K] = [") << k << "]";
  }
  if (!isNoValue(getBias())) {
    if (auto bs = shapeOf(getBias()))
      if (!shapesCompatible(*bs, {n}))
        return emitOpError("'bias' must have shape [N] = [") << n << "]";
  }
  if (!as) {
    inferred.push_back(UnrankedTensorType::get(elementType));
    return success();
  }
  SmallVector<int64_t> result = *as;
  result.back() = n;
  inferred.push_back(RankedTensorType::get(result, elementType));
  return success();
}

//===----------------------------------------------------------------------===//
// MatMulBnb4 (com.microsoft)
//===----------------------------------------------------------------------===//

LogicalResult MatMulBnb4Op::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  int64_t k = getK(), n = getN(), blockSize = getBlockSize();
  if (k < 1 || n < 1)
    return emitOpError("attributes 'K' and 'N' must be positive");
  if (!llvm::is_contained({16, 32, 64, 128, 256}, blockSize))
    return emitOpError("attribute 'block_size' has invalid value ")
           << blockSize << " (expected 16, 32, 64, 128 or 256)";
  if (getQuantType() != 0 && getQuantType() != 1)
    return emitOpError("attribute 'quant_type' has invalid value ")
           << getQuantType() << " (expected 0 (FP4) or 1 (NF4))";
  if (getTransB() != 1)
    return emitOpError("only transB = 1 is supported");
  Type elementType = elementTypeOf(getA());
  if (failed(checkSameElementType(*this, getA(), "A", getAbsmax(), "absmax")))
    return failure();
  int64_t numel;
  if (llvm::MulOverflow(n, k, numel))
    return emitOpError("attributes 'N' and 'K' are too large");
  if (auto bs = shapeOf(getB()))
    if (!shapesCompatible(*bs, {(numel + 1) / 2}))
      return emitOpError("'B' must have shape [ceil(N * K / 2)] = [")
             << (numel + 1) / 2 << "]";
  if (auto ms = shapeOf(getAbsmax()))
    if (!shapesCompatible(*ms, {(numel + blockSize - 1) / blockSize}))
      return emitOpError("'absmax' must have shape [ceil(N * K / "
                         "block_size)] = [")
             << (numel + blockSize - 1) / blockSize << "]";
  auto as = shapeOf(getA());
  if (!as) {
    inferred.push_back(UnrankedTensorType::get(elementType));
    return success();
  }
  if (as->empty())
    return emitOpError("'A' must have rank >= 1");
  if (as->back() != kDyn && as->back() != k)
    return emitOpError("last dimension of 'A' is ")
           << as->back() << ", expected K = " << k;
  SmallVector<int64_t> result = *as;
  result.back() = n;
  inferred.push_back(RankedTensorType::get(result, elementType));
  return success();
}
