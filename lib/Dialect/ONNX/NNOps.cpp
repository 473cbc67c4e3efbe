//===- NNOps.cpp - matmul, conv and pooling type inference ----------------===//
//
// Also defines the shape helpers declared in ConvShape.h, shared with the
// quantized ops in QuantOps.cpp.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Dialect/ONNX/ONNXOps.h"

#include "QuantOpt/Dialect/ONNX/ConvShape.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace quant_opt::onnx;

//===----------------------------------------------------------------------===//
// Shared helpers
//===----------------------------------------------------------------------===//

/// Reads the INTS attribute `name` expecting `size` values each >= `minValue`
/// (0 or 1); all `defaultValue` when the attribute is absent.
static FailureOr<SmallVector<int64_t>>
readIntsAttr(Operation *op, ArrayAttr attr, StringRef name, size_t size,
             int64_t defaultValue, int64_t minValue) {
  if (!attr)
    return SmallVector<int64_t>(size, defaultValue);
  if (attr.size() != size)
    return op->emitOpError("attribute '")
           << name << "' has " << attr.size() << " values, expected " << size;
  SmallVector<int64_t> values;
  for (Attribute a : attr) {
    auto intAttr = dyn_cast<IntegerAttr>(a);
    if (!intAttr)
      return op->emitOpError("attribute '") << name << "' must hold integers";
    int64_t v = intAttr.getInt();
    if (v < minValue)
      return op->emitOpError("attribute '")
             << name << "' has invalid value " << v << " (must be "
             << (minValue > 0 ? "positive" : "non-negative") << ")";
    values.push_back(v);
  }
  return values;
}

static LogicalResult checkAutoPad(Operation *op, StringRef autoPad) {
  if (autoPad == "NOTSET" || autoPad == "SAME_UPPER" ||
      autoPad == "SAME_LOWER" || autoPad == "VALID")
    return success();
  return op->emitOpError("attribute 'auto_pad' has invalid value '")
         << autoPad << "' (expected NOTSET, SAME_UPPER, SAME_LOWER or VALID)";
}

static bool isSamePad(StringRef autoPad) {
  return autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER";
}

/// (k - 1) * d + 1, or failure on overflow.
static FailureOr<int64_t> effectiveKernel(Operation *op, int64_t k, int64_t d) {
  int64_t extent;
  if (llvm::MulOverflow(k - 1, d, extent) ||
      llvm::AddOverflow(extent, int64_t(1), extent))
    return op->emitOpError("kernel extent overflows (kernel ")
           << k << ", dilation " << d << ")";
  return extent;
}

namespace quant_opt::onnx {

FailureOr<SmallVector<int64_t>>
inferConvPoolSpatialDims(Operation *op, ArrayRef<int64_t> input,
                         ArrayRef<int64_t> kernel, const ConvPoolAttrs &attrs) {
  size_t n = input.size();
  if (failed(checkAutoPad(op, attrs.autoPad)))
    return failure();
  auto strides = readIntsAttr(op, attrs.strides, "strides", n, 1, 1);
  auto dilations = readIntsAttr(op, attrs.dilations, "dilations", n, 1, 1);
  auto pads = readIntsAttr(op, attrs.pads, "pads", 2 * n, 0, 0);
  if (failed(strides) || failed(dilations) || failed(pads))
    return failure();
  bool same = isSamePad(attrs.autoPad);
  bool valid = attrs.autoPad == "VALID";
  SmallVector<int64_t> out;
  for (size_t i = 0; i < n; ++i) {
    int64_t in = input[i], k = kernel[i], s = (*strides)[i];
    if (k != kDyn && k < 1)
      return op->emitOpError("kernel spatial dimension ")
             << i << " is " << k << " (must be positive)";
    if (in == kDyn) {
      out.push_back(kDyn);
      continue;
    }
    if (same) {
      out.push_back(in / s + (in % s != 0));
      continue;
    }
    if (k == kDyn) {
      out.push_back(kDyn);
      continue;
    }
    auto extent = effectiveKernel(op, k, (*dilations)[i]);
    if (failed(extent))
      return failure();
    int64_t padBegin = valid ? 0 : (*pads)[i];
    int64_t padEnd = valid ? 0 : (*pads)[i + n];
    int64_t padded;
    if (llvm::AddOverflow(in, padBegin, padded) ||
        llvm::AddOverflow(padded, padEnd, padded))
      return op->emitOpError("padded size of spatial dimension ")
             << i << " overflows";
    if (padded < *extent)
      return op->emitOpError("spatial dimension ")
             << i << ": kernel extent " << *extent
             << " exceeds the padded input size " << padded;
    int64_t span = padded - *extent;
    int64_t size = span / s + 1;
    if (attrs.ceilMode && span % s != 0) {
      ++size;
      // A window starting in the end padding is dropped.
      int64_t start;
      if (!llvm::MulOverflow(size - 1, s, start) && start >= in + padBegin)
        --size;
    }
    out.push_back(size);
  }
  return out;
}

FailureOr<std::optional<SmallVector<int64_t>>>
inferConvResultShape(Operation *op, Value x, Value w, int64_t group,
                     const ConvPoolAttrs &attrs) {
  using Result = std::optional<SmallVector<int64_t>>;
  if (group < 1)
    return op->emitOpError("attribute 'group' has invalid value ")
           << group << " (must be positive)";
  auto xs = shapeOf(x);
  auto ws = shapeOf(w);
  if (xs && xs->size() < 3)
    return op->emitOpError("input must have rank >= 3 (N x C x D1...), got ")
           << xs->size();
  if (ws && ws->size() < 3)
    return op->emitOpError("weight must have rank >= 3 (M x C/group x "
                           "k1...), got ")
           << ws->size();
  if (xs && ws && xs->size() != ws->size())
    return op->emitOpError("input rank ")
           << xs->size() << " and weight rank " << ws->size() << " differ";
  size_t rank;
  if (xs)
    rank = xs->size();
  else if (ws)
    rank = ws->size();
  else if (attrs.kernelShape)
    rank = attrs.kernelShape.size() + 2;
  else
    return Result(std::nullopt);
  size_t n = rank - 2;

  SmallVector<int64_t> kernel(n, kDyn);
  if (ws)
    kernel.assign(ws->begin() + 2, ws->end());
  if (attrs.kernelShape) {
    auto ks = readIntsAttr(op, attrs.kernelShape, "kernel_shape", n, 1, 1);
    if (failed(ks))
      return failure();
    for (size_t i = 0; i < n; ++i) {
      if (kernel[i] != kDyn && kernel[i] != (*ks)[i])
        return op->emitOpError("attribute 'kernel_shape' value ")
               << (*ks)[i] << " at " << i
               << " does not match the weight's spatial dimension "
               << kernel[i];
      kernel[i] = (*ks)[i];
    }
  }

  int64_t m = ws ? (*ws)[0] : kDyn;
  if (m != kDyn && m % group != 0)
    return op->emitOpError("output channels ")
           << m << " are not divisible by group " << group;
  if (xs && ws && (*xs)[1] != kDyn && (*ws)[1] != kDyn) {
    int64_t expected;
    if (llvm::MulOverflow((*ws)[1], group, expected) || expected != (*xs)[1])
      return op->emitOpError("input has ")
             << (*xs)[1] << " channels but the weight expects " << (*ws)[1]
             << " x group " << group;
  }

  SmallVector<int64_t> input(n, kDyn);
  if (xs)
    input.assign(xs->begin() + 2, xs->end());
  auto spatial = inferConvPoolSpatialDims(op, input, kernel, attrs);
  if (failed(spatial))
    return failure();
  SmallVector<int64_t> result{xs ? (*xs)[0] : kDyn, m};
  result.append(spatial->begin(), spatial->end());
  return Result(std::move(result));
}

FailureOr<std::optional<SmallVector<int64_t>>>
inferMatMulShape(Operation *op, Value a, Value b) {
  using Result = std::optional<SmallVector<int64_t>>;
  auto as = shapeOf(a);
  auto bs = shapeOf(b);
  if ((as && as->empty()) || (bs && bs->empty()))
    return op->emitOpError("matmul operands must have rank >= 1");
  if (!as || !bs)
    return Result(std::nullopt);
  bool aVector = as->size() == 1, bVector = bs->size() == 1;
  if (aVector)
    as->insert(as->begin(), 1);
  if (bVector)
    bs->push_back(1);
  int64_t ka = as->back(), kb = (*bs)[bs->size() - 2];
  if (ka != kDyn && kb != kDyn && ka != kb)
    return op->emitOpError("matmul contraction dimensions differ: ")
           << ka << " and " << kb;
  SmallVector<SmallVector<int64_t>> batches{
      SmallVector<int64_t>(as->begin(), as->end() - 2),
      SmallVector<int64_t>(bs->begin(), bs->end() - 2)};
  auto batch = broadcastShapes(op, batches);
  if (failed(batch))
    return failure();
  SmallVector<int64_t> result = std::move(*batch);
  if (!aVector)
    result.push_back((*as)[as->size() - 2]);
  if (!bVector)
    result.push_back(bs->back());
  return Result(std::move(result));
}

} // namespace quant_opt::onnx

/// The bias of a conv op must be 1-D with M elements.
static LogicalResult checkConvBias(Operation *op, Value bias, int64_t m) {
  if (isNoValue(bias))
    return success();
  auto bs = shapeOf(bias);
  if (!bs)
    return success();
  if (bs->size() != 1)
    return op->emitOpError("bias must be 1-D, got rank ") << bs->size();
  if ((*bs)[0] != kDyn && m != kDyn && (*bs)[0] != m)
    return op->emitOpError("bias has ")
           << (*bs)[0] << " elements, expected " << m << " (output channels)";
  return success();
}

//===----------------------------------------------------------------------===//
// MatMul / Gemm
//===----------------------------------------------------------------------===//

LogicalResult MatMulOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  if (failed(checkSameElementType(*this, getA(), "A", getB(), "B")))
    return failure();
  auto shape = inferMatMulShape(*this, getA(), getB());
  if (failed(shape))
    return failure();
  inferred.push_back(makeTensorType(*shape, elementTypeOf(getA())));
  return success();
}

LogicalResult GemmOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  if (failed(checkSameElementType(*this, getA(), "A", getB(), "B")) ||
      failed(checkSameElementType(*this, getA(), "A", getC(), "C")))
    return failure();
  auto as = shapeOf(getA());
  auto bs = shapeOf(getB());
  if (as && as->size() != 2)
    return emitOpError("'A' must be 2-D, got rank ") << as->size();
  if (bs && bs->size() != 2)
    return emitOpError("'B' must be 2-D, got rank ") << bs->size();
  bool ta = getTransA() != 0, tb = getTransB() != 0;
  int64_t m = as ? (*as)[ta ? 1 : 0] : kDyn;
  int64_t ka = as ? (*as)[ta ? 0 : 1] : kDyn;
  int64_t kb = bs ? (*bs)[tb ? 1 : 0] : kDyn;
  int64_t n = bs ? (*bs)[tb ? 0 : 1] : kDyn;
  if (ka != kDyn && kb != kDyn && ka != kb)
    return emitOpError("contraction dimensions of A' and B' differ: ")
           << ka << " and " << kb;
  SmallVector<int64_t> result{m, n};
  if (!isNoValue(getC())) {
    if (auto cs = shapeOf(getC())) {
      if (cs->size() > 2)
        return emitOpError("'C' must have rank <= 2, got ") << cs->size();
      size_t offset = 2 - cs->size();
      for (auto [i, dim] : llvm::enumerate(*cs)) {
        int64_t target = result[offset + i];
        if (dim != 1 && dim != kDyn && target != kDyn && dim != target)
          return emitOpError("'C' is not unidirectionally broadcastable "
                             "to (M, N): dimension ")
                 << i << " is " << dim << ", expected 1 or " << target;
      }
    }
  }
  inferred.push_back(RankedTensorType::get(result, elementTypeOf(getA())));
  return success();
}

//===----------------------------------------------------------------------===//
// Conv / ConvTranspose
//===----------------------------------------------------------------------===//

LogicalResult ConvOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  if (failed(checkSameElementType(*this, getX(), "X", getW(), "W")) ||
      failed(checkSameElementType(*this, getX(), "X", getB(), "B")))
    return failure();
  ConvPoolAttrs attrs;
  attrs.autoPad = getAutoPad();
  attrs.kernelShape = getKernelShapeAttr();
  attrs.pads = getPadsAttr();
  attrs.strides = getStridesAttr();
  attrs.dilations = getDilationsAttr();
  auto shape = inferConvResultShape(*this, getX(), getW(), getGroup(), attrs);
  if (failed(shape))
    return failure();
  if (*shape && failed(checkConvBias(*this, getB(), (**shape)[1])))
    return failure();
  inferred.push_back(makeTensorType(*shape, elementTypeOf(getX())));
  return success();
}

LogicalResult
ConvTransposeOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  if (failed(checkSameElementType(*this, getX(), "X", getW(), "W")) ||
      failed(checkSameElementType(*this, getX(), "X", getB(), "B")))
    return failure();
  Type elementType = elementTypeOf(getX());
  int64_t group = getGroup();
  if (group < 1)
    return emitOpError("attribute 'group' has invalid value ")
           << group << " (must be positive)";
  if (failed(checkAutoPad(*this, getAutoPad())))
    return failure();
  auto xs = shapeOf(getX());
  auto ws = shapeOf(getW());
  if (xs && xs->size() < 3)
    return emitOpError("input must have rank >= 3 (N x C x D1...), got ")
           << xs->size();
  if (ws && ws->size() < 3)
    return emitOpError("weight must have rank >= 3 (C x M/group x k1...), "
                       "got ")
           << ws->size();
  if (xs && ws && xs->size() != ws->size())
    return emitOpError("input rank ")
           << xs->size() << " and weight rank " << ws->size() << " differ";
  ArrayAttr kernelShape = getKernelShapeAttr();
  size_t rank;
  if (xs)
    rank = xs->size();
  else if (ws)
    rank = ws->size();
  else if (kernelShape)
    rank = kernelShape.size() + 2;
  else {
    inferred.push_back(UnrankedTensorType::get(elementType));
    return success();
  }
  size_t n = rank - 2;

  SmallVector<int64_t> kernel(n, kDyn);
  if (ws)
    kernel.assign(ws->begin() + 2, ws->end());
  if (kernelShape) {
    auto ks = readIntsAttr(*this, kernelShape, "kernel_shape", n, 1, 1);
    if (failed(ks))
      return failure();
    for (size_t i = 0; i < n; ++i) {
      if (kernel[i] != kDyn && kernel[i] != (*ks)[i])
        return emitOpError("attribute 'kernel_shape' value ")
               << (*ks)[i] << " at " << i
               << " does not match the weight's spatial dimension "
               << kernel[i];
      kernel[i] = (*ks)[i];
    }
  }
  if (xs && ws && (*xs)[1] != kDyn && (*ws)[0] != kDyn && (*xs)[1] != (*ws)[0])
    return emitOpError("input has ")
           << (*xs)[1] << " channels but the weight has " << (*ws)[0];
  if (ws && (*ws)[0] != kDyn && (*ws)[0] % group != 0)
    return emitOpError("input channels ")
           << (*ws)[0] << " are not divisible by group " << group;
  int64_t m = kDyn;
  if (ws && (*ws)[1] != kDyn && llvm::MulOverflow((*ws)[1], group, m))
    return emitOpError("output channel count overflows");

  auto strides = readIntsAttr(*this, getStridesAttr(), "strides", n, 1, 1);
  auto dilations =
      readIntsAttr(*this, getDilationsAttr(), "dilations", n, 1, 1);
  auto pads = readIntsAttr(*this, getPadsAttr(), "pads", 2 * n, 0, 0);
  auto outputPadding =
      readIntsAttr(*this, getOutputPaddingAttr(), "output_padding", n, 0, 0);
  if (failed(strides) || failed(dilations) || failed(pads) ||
      failed(outputPadding))
    return failure();

  SmallVector<int64_t> spatial;
  if (ArrayAttr outputShape = getOutputShapeAttr()) {
    size_t count = outputShape.size() == rank ? rank : n;
    auto values = readIntsAttr(*this, outputShape, "output_shape", count, 1, 1);
    if (failed(values))
      return failure();
    spatial.assign(values->end() - n, values->end());
  } else {
    bool same = isSamePad(getAutoPad());
    bool valid = getAutoPad() == "VALID";
    for (size_t i = 0; i < n; ++i) {
      int64_t in = xs ? (*xs)[2 + i] : kDyn, s = (*strides)[i];
      if (kernel[i] != kDyn && kernel[i] < 1)
        return emitOpError("kernel spatial dimension ")
               << i << " is " << kernel[i] << " (must be positive)";
      if (in == kDyn || (!same && kernel[i] == kDyn)) {
        spatial.push_back(kDyn);
        continue;
      }
      int64_t size;
      if (same) {
        if (llvm::MulOverflow(in, s, size))
          return emitOpError("output size of spatial dimension ")
                 << i << " overflows";
        spatial.push_back(size);
        continue;
      }
      auto extent = effectiveKernel(*this, kernel[i], (*dilations)[i]);
      if (failed(extent))
        return failure();
      int64_t padTotal = 0;
      if (!valid && llvm::AddOverflow((*pads)[i], (*pads)[i + n], padTotal))
        return emitOpError("attribute 'pads' overflows");
      if (llvm::MulOverflow(s, in - 1, size) ||
          llvm::AddOverflow(size, (*outputPadding)[i], size) ||
          llvm::AddOverflow(size, *extent, size))
        return emitOpError("output size of spatial dimension ")
               << i << " overflows";
      size -= padTotal;
      if (size < 1)
        return emitOpError("spatial dimension ")
               << i << ": output size " << size
               << " is not positive (pads too large)";
      spatial.push_back(size);
    }
  }
  if (failed(checkConvBias(*this, getB(), m)))
    return failure();
  SmallVector<int64_t> result{xs ? (*xs)[0] : kDyn, m};
  result.append(spatial);
  inferred.push_back(RankedTensorType::get(result, elementType));
  return success();
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

/// Result shape of MaxPool / AveragePool: X (N, C, D1..Dn) -> (N, C, O1..On)
/// with the window given by the required `kernel_shape`.
static FailureOr<SmallVector<int64_t>> inferPoolShape(Operation *op, Value x,
                                                      ConvPoolAttrs attrs) {
  size_t n = attrs.kernelShape.size();
  if (n == 0)
    return op->emitOpError("attribute 'kernel_shape' must not be empty");
  auto kernel = readIntsAttr(op, attrs.kernelShape, "kernel_shape", n, 1, 1);
  if (failed(kernel))
    return failure();
  SmallVector<int64_t> input(n + 2, kDyn);
  if (auto xs = shapeOf(x)) {
    if (xs->size() != n + 2)
      return op->emitOpError("input has rank ")
             << xs->size() << " but 'kernel_shape' has " << n
             << " values (expected rank " << n + 2 << ")";
    input = std::move(*xs);
  }
  auto spatial = inferConvPoolSpatialDims(
      op, ArrayRef<int64_t>(input).drop_front(2), *kernel, attrs);
  if (failed(spatial))
    return failure();
  SmallVector<int64_t> result{input[0], input[1]};
  result.append(*spatial);
  return result;
}

/// The window attributes shared by MaxPool and AveragePool.
template <typename PoolOp> static ConvPoolAttrs getPoolAttrs(PoolOp op) {
  ConvPoolAttrs attrs;
  attrs.autoPad = op.getAutoPad();
  attrs.kernelShape = op.getKernelShapeAttr();
  attrs.pads = op.getPadsAttr();
  attrs.strides = op.getStridesAttr();
  attrs.dilations = op.getDilationsAttr();
  attrs.ceilMode = op.getCeilMode() != 0;
  return attrs;
}

LogicalResult MaxPoolOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  int64_t storageOrder = getStorageOrder();
  if (storageOrder != 0 && storageOrder != 1)
    return emitOpError("attribute 'storage_order' has invalid value ")
           << storageOrder << " (expected 0 or 1)";
  auto shape = inferPoolShape(*this, getX(), getPoolAttrs(*this));
  if (failed(shape))
    return failure();
  inferred.push_back(RankedTensorType::get(*shape, elementTypeOf(getX())));
  inferred.push_back(
      RankedTensorType::get(*shape, IntegerType::get(getContext(), 64)));
  return success();
}

LogicalResult AveragePoolOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  auto shape = inferPoolShape(*this, getX(), getPoolAttrs(*this));
  if (failed(shape))
    return failure();
  inferred.push_back(RankedTensorType::get(*shape, elementTypeOf(getX())));
  return success();
}

/// X (N, C, D1..Dn) -> (N, C, 1..1).
static LogicalResult inferGlobalPoolTypes(Operation *op, Value x,
                                          SmallVectorImpl<Type> &inferred) {
  Type elementType = elementTypeOf(x);
  auto xs = shapeOf(x);
  if (!xs) {
    inferred.push_back(UnrankedTensorType::get(elementType));
    return success();
  }
  if (xs->size() < 2)
    return op->emitOpError("input must have rank >= 2 (N x C x D1...), got ")
           << xs->size();
  SmallVector<int64_t> result(xs->size(), 1);
  result[0] = (*xs)[0];
  result[1] = (*xs)[1];
  inferred.push_back(RankedTensorType::get(result, elementType));
  return success();
}

LogicalResult
GlobalAveragePoolOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  return inferGlobalPoolTypes(*this, getX(), inferred);
}

LogicalResult
GlobalMaxPoolOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  return inferGlobalPoolTypes(*this, getX(), inferred);
}
