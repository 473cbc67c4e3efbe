//===- QOptOps.cpp - qopt op verifiers, helpers and folders ---------------===//

#include "QuantOpt/Dialect/QOpt/QOptOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"

#include <cmath>

using namespace mlir;
using namespace quant_opt::qopt;

#define GET_OP_CLASSES
#include "QuantOpt/Dialect/QOpt/QOptOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Shared checks
//===----------------------------------------------------------------------===//

static RankedTensorType ranked(Value v) {
  return v ? dyn_cast<RankedTensorType>(v.getType()) : RankedTensorType();
}

/// Static sizes that differ (a dynamic size matches anything).
static bool sizesDiffer(int64_t a, int64_t b) {
  return !ShapedType::isDynamic(a) && !ShapedType::isDynamic(b) && a != b;
}

static bool shapesCompatible(ArrayRef<int64_t> a, ArrayRef<int64_t> b) {
  if (a.size() != b.size())
    return false;
  for (auto [x, y] : llvm::zip(a, b))
    if (sizesDiffer(x, y))
      return false;
  return true;
}

static std::string shapeString(ArrayRef<int64_t> shape) {
  std::string s = "[";
  llvm::raw_string_ostream os(s);
  llvm::interleaveComma(shape, os, [&](int64_t d) {
    if (ShapedType::isDynamic(d))
      os << "?";
    else
      os << d;
  });
  os << "]";
  return s;
}

static bool isScalar(RankedTensorType t) { return t.getRank() == 0; }

static bool isOneElement(RankedTensorType t) {
  return t.getRank() == 0 || (t.getRank() == 1 && t.getDimSize(0) == 1);
}

/// The granularity rules of quantize / dequantize: per tensor (one-element
/// scale), per axis (1-D scale of size dim(axis), block_size 0) or per block
/// (scale of x's rank, dim(axis) = ceil(dim / block_size)); the zero point
/// has the scale's shape.
static LogicalResult verifyGranularity(Operation *op, RankedTensorType data,
                                       RankedTensorType scale,
                                       RankedTensorType zeroPoint,
                                       int64_t axis, int64_t blockSize) {
  if (zeroPoint && zeroPoint.getShape() != scale.getShape())
    return op->emitOpError("zero_point shape ")
           << shapeString(zeroPoint.getShape()) << " differs from scale shape "
           << shapeString(scale.getShape());
  if (blockSize < 0)
    return op->emitOpError("block_size must be >= 0, got ") << blockSize;
  int64_t rank = data.getRank();
  if (blockSize == 0 && isOneElement(scale))
    return success(); // per tensor
  if (axis < -rank || axis >= rank || rank == 0)
    return op->emitOpError("axis ")
           << axis << " is out of range for rank " << rank;
  if (axis < 0)
    axis += rank;
  int64_t dim = data.getDimSize(axis);
  if (blockSize == 0) {
    if (scale.getRank() != 1)
      return op->emitOpError("per-axis scale must be 1-D, got shape ")
             << shapeString(scale.getShape());
    if (sizesDiffer(scale.getDimSize(0), dim))
      return op->emitOpError("per-axis scale has ")
             << scale.getDimSize(0) << " elements but dimension " << axis
             << " has size " << dim;
    return success();
  }
  if (scale.getRank() != rank)
    return op->emitOpError("per-block scale must have rank ")
           << rank << ", got shape " << shapeString(scale.getShape());
  for (int64_t i = 0; i < rank; ++i) {
    int64_t expected = data.getDimSize(i);
    if (i == axis && !ShapedType::isDynamic(expected))
      expected = (expected + blockSize - 1) / blockSize;
    if (i == axis && ShapedType::isDynamic(expected))
      continue;
    if (sizesDiffer(scale.getDimSize(i), expected))
      return op->emitOpError("per-block scale shape ")
             << shapeString(scale.getShape()) << " does not match data shape "
             << shapeString(data.getShape()) << " with block_size "
             << blockSize << " along axis " << axis;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// QuantizeOp
//===----------------------------------------------------------------------===//

LogicalResult QuantizeOp::verify() {
  auto x = ranked(getX()), scale = ranked(getScale()),
       zp = ranked(getZeroPoint()), q = ranked(getQ());
  if (!x || !scale || !q || (getZeroPoint() && !zp))
    return emitOpError("operands and result must be ranked tensors");
  if (!shapesCompatible(x.getShape(), q.getShape()))
    return emitOpError("result shape ")
           << shapeString(q.getShape()) << " differs from input shape "
           << shapeString(x.getShape());
  if (zp && zp.getElementType() != q.getElementType())
    return emitOpError("zero_point element type ")
           << zp.getElementType() << " differs from result element type "
           << q.getElementType();
  return verifyGranularity(*this, x, scale, zp, getAxis(), getBlockSize());
}

/// The index of the parameter that element `index` (multi-index of the
/// data) reads, under the granularity rules.
static int64_t paramIndex(ArrayRef<int64_t> index, RankedTensorType scale,
                          int64_t axis, int64_t blockSize) {
  if (blockSize == 0 && isOneElement(scale))
    return 0;
  if (blockSize == 0)
    return index[axis];
  int64_t flat = 0;
  for (int64_t i = 0, e = index.size(); i < e; ++i) {
    int64_t v = i == axis ? index[i] / blockSize : index[i];
    flat = flat * scale.getDimSize(i) + v;
  }
  return flat;
}

/// ONNX QuantizeLinear on one value, computed in f32 like the lowering:
/// saturate(roundeven(x / scale) + zp).
static APInt quantizeValue(float x, float scale, int64_t zp,
                           IntegerType type) {
  unsigned width = type.getWidth();
  bool isUnsigned = type.isUnsignedInteger();
  float lo = isUnsigned ? 0.0f : -std::ldexp(1.0f, width - 1);
  float hi = isUnsigned ? std::ldexp(1.0f, width) - 1
                        : std::ldexp(1.0f, width - 1) - 1;
  float v = std::nearbyint(x / scale) + static_cast<float>(zp);
  if (std::isnan(v))
    v = 0.0f; // what arith.maximumf / fptosi leave is unspecified; pin it
  v = std::min(std::max(v, lo), hi);
  return APInt(width, static_cast<int64_t>(v), /*isSigned=*/!isUnsigned);
}

OpFoldResult QuantizeOp::fold(FoldAdaptor adaptor) {
  auto x = dyn_cast_or_null<DenseElementsAttr>(adaptor.getX());
  auto scale = dyn_cast_or_null<DenseElementsAttr>(adaptor.getScale());
  auto zp = dyn_cast_or_null<DenseElementsAttr>(adaptor.getZeroPoint());
  if (!x || !scale || (getZeroPoint() && !zp))
    return {};
  auto qType = dyn_cast<RankedTensorType>(getQ().getType());
  if (!qType || !qType.hasStaticShape() || !x.getType().hasStaticShape())
    return {};
  auto intType = cast<IntegerType>(qType.getElementType());
  auto scaleType = cast<RankedTensorType>(getScale().getType());
  bool isUnsigned = intType.isUnsignedInteger();
  int64_t rank = qType.getRank();
  int64_t axis = getAxis() < 0 ? getAxis() + rank : getAxis();
  SmallVector<float> scales;
  for (APFloat s : scale.getValues<APFloat>()) {
    bool lost;
    s.convert(APFloat::IEEEsingle(), APFloat::rmNearestTiesToEven, &lost);
    scales.push_back(s.convertToFloat());
  }
  SmallVector<int64_t> zps;
  if (zp)
    for (APInt z : zp.getValues<APInt>())
      zps.push_back(isUnsigned ? z.getZExtValue() : z.getSExtValue());
  SmallVector<APInt> values;
  values.reserve(qType.getNumElements());
  SmallVector<int64_t> index(rank, 0);
  ArrayRef<int64_t> shape = qType.getShape();
  for (APFloat v : x.getValues<APFloat>()) {
    bool lost;
    v.convert(APFloat::IEEEsingle(), APFloat::rmNearestTiesToEven, &lost);
    int64_t p = paramIndex(index, scaleType, axis, getBlockSize());
    values.push_back(quantizeValue(v.convertToFloat(), scales[p],
                                   zp ? zps[p] : 0, intType));
    for (int64_t i = rank - 1; i >= 0; --i) {
      if (++index[i] < shape[i])
        break;
      index[i] = 0;
    }
  }
  return DenseElementsAttr::get(qType, values);
}

//===----------------------------------------------------------------------===//
// DequantizeOp
//===----------------------------------------------------------------------===//

LogicalResult DequantizeOp::verify() {
  auto q = ranked(getQ()), scale = ranked(getScale()),
       zp = ranked(getZeroPoint()), x = ranked(getX());
  if (!x || !scale || !q || (getZeroPoint() && !zp))
    return emitOpError("operands and result must be ranked tensors");
  if (!shapesCompatible(x.getShape(), q.getShape()))
    return emitOpError("result shape ")
           << shapeString(x.getShape()) << " differs from input shape "
           << shapeString(q.getShape());
  if (zp && zp.getElementType() != q.getElementType())
    return emitOpError("zero_point element type ")
           << zp.getElementType() << " differs from input element type "
           << q.getElementType();
  if (x.getElementType() != scale.getElementType())
    return emitOpError("result element type ")
           << x.getElementType() << " differs from scale element type "
           << scale.getElementType();
  return verifyGranularity(*this, q, scale, zp, getAxis(), getBlockSize());
}

//===----------------------------------------------------------------------===//
// DynamicQuantizeOp
//===----------------------------------------------------------------------===//

LogicalResult DynamicQuantizeOp::verify() {
  auto x = ranked(getX()), q = ranked(getQ()), scale = ranked(getScale()),
       zp = ranked(getZeroPoint());
  if (!x || !q || !scale || !zp)
    return emitOpError("operands and results must be ranked tensors");
  if (!shapesCompatible(x.getShape(), q.getShape()))
    return emitOpError("result shape ")
           << shapeString(q.getShape()) << " differs from input shape "
           << shapeString(x.getShape());
  if (zp.getElementType() != q.getElementType())
    return emitOpError("zero_point element type ")
           << zp.getElementType() << " differs from result element type "
           << q.getElementType();
  if (scale.getShape() != zp.getShape())
    return emitOpError("zero_point shape ")
           << shapeString(zp.getShape()) << " differs from scale shape "
           << shapeString(scale.getShape());
  if (getGranularity() == Granularity::per_tensor) {
    if (!isScalar(scale))
      return emitOpError("per_tensor scale must be a scalar (rank 0), got "
                         "shape ")
             << shapeString(scale.getShape());
    return success();
  }
  if (x.getRank() < 1)
    return emitOpError("per_row needs an input of rank >= 1");
  if (!shapesCompatible(scale.getShape(), x.getShape().drop_back()))
    return emitOpError("per_row scale shape ")
           << shapeString(scale.getShape()) << " must be the input shape "
           << shapeString(x.getShape()) << " without its last dimension";
  return success();
}

//===----------------------------------------------------------------------===//
// QMatMulOp
//===----------------------------------------------------------------------===//

/// b_scale / w_scale: a scalar or [n]; bias: [n].
static LogicalResult verifyChannelParams(Operation *op, RankedTensorType scale,
                                         RankedTensorType bias, int64_t n,
                                         StringRef scaleName) {
  if (!isScalar(scale) &&
      (scale.getRank() != 1 || sizesDiffer(scale.getDimSize(0), n)))
    return op->emitOpError()
           << scaleName << " must be a scalar or [" << n << "], got shape "
           << shapeString(scale.getShape());
  if (bias && (bias.getRank() != 1 || sizesDiffer(bias.getDimSize(0), n)))
    return op->emitOpError("bias must be [")
           << n << "], got shape " << shapeString(bias.getShape());
  return success();
}

LogicalResult QMatMulOp::verify() {
  auto a = ranked(getA()), b = ranked(getB()), as = ranked(getAScale()),
       az = ranked(getAZeroPoint()), bs = ranked(getBScale()),
       bias = ranked(getBias()), y = ranked(getY());
  if (!a || !b || !as || !az || !bs || !y || (getBias() && !bias))
    return emitOpError("operands and result must be ranked tensors");
  if (a.getRank() < 2)
    return emitOpError("a must have rank >= 2 ([..., M, K]), got rank ")
           << a.getRank();
  if (b.getRank() != 2)
    return emitOpError("b must be 2-D ([K, N]), got rank ") << b.getRank();
  int64_t k = a.getShape().back();
  if (sizesDiffer(k, b.getDimSize(0)))
    return emitOpError("contraction sizes differ: a has K = ")
           << k << ", b has K = " << b.getDimSize(0);
  if (az.getElementType() != a.getElementType())
    return emitOpError("a_zero_point element type ")
           << az.getElementType() << " differs from a's "
           << a.getElementType();
  if (as.getShape() != az.getShape())
    return emitOpError("a_zero_point shape ")
           << shapeString(az.getShape()) << " differs from a_scale shape "
           << shapeString(as.getShape());
  if (!isScalar(as) &&
      !shapesCompatible(as.getShape(), a.getShape().drop_back()))
    return emitOpError("a_scale must be a scalar or a's shape without K (")
           << shapeString(a.getShape().drop_back()) << "), got shape "
           << shapeString(as.getShape());
  int64_t n = b.getDimSize(1);
  if (failed(verifyChannelParams(*this, bs, bias, n, "b_scale")))
    return failure();
  SmallVector<int64_t> expected(a.getShape().drop_back());
  expected.push_back(n);
  if (!shapesCompatible(y.getShape(), expected))
    return emitOpError("result shape ")
           << shapeString(y.getShape()) << " differs from expected "
           << shapeString(expected);
  return success();
}

//===----------------------------------------------------------------------===//
// QConvOp
//===----------------------------------------------------------------------===//

static SmallVector<int64_t> valuesOr(std::optional<ArrayRef<int64_t>> values,
                                     size_t size, int64_t fill) {
  if (values)
    return SmallVector<int64_t>(*values);
  return SmallVector<int64_t>(size, fill);
}

SmallVector<int64_t> QConvOp::getStrideValues() {
  return valuesOr(getStrides(), 2, 1);
}
SmallVector<int64_t> QConvOp::getDilationValues() {
  return valuesOr(getDilations(), 2, 1);
}
SmallVector<int64_t> QConvOp::getPadValues() {
  return valuesOr(getPads(), 4, 0);
}

LogicalResult QConvOp::verify() {
  auto x = ranked(getX()), w = ranked(getW()), xs = ranked(getXScale()),
       xz = ranked(getXZeroPoint()), ws = ranked(getWScale()),
       bias = ranked(getBias()), y = ranked(getY());
  if (!x || !w || !xs || !xz || !ws || !y || (getBias() && !bias))
    return emitOpError("operands and result must be ranked tensors");
  if (x.getRank() != 4 || w.getRank() != 4)
    return emitOpError("x and w must be 4-D (NCHW, FCHW), got ranks ")
           << x.getRank() << " and " << w.getRank();
  if (xz.getElementType() != x.getElementType())
    return emitOpError("x_zero_point element type ")
           << xz.getElementType() << " differs from x's "
           << x.getElementType();
  if (!isScalar(xs) || !isScalar(xz))
    return emitOpError("x_scale and x_zero_point must be scalars (rank 0)");
  SmallVector<int64_t> strides = getStrideValues(),
                       dilations = getDilationValues(), pads = getPadValues();
  if (strides.size() != 2 || dilations.size() != 2 || pads.size() != 4)
    return emitOpError("strides and dilations need 2 values, pads 4");
  if (llvm::any_of(strides, [](int64_t v) { return v < 1; }) ||
      llvm::any_of(dilations, [](int64_t v) { return v < 1; }) ||
      llvm::any_of(pads, [](int64_t v) { return v < 0; }))
    return emitOpError("strides and dilations must be >= 1, pads >= 0");
  int64_t group = getGroup();
  int64_t c = x.getDimSize(1), f = w.getDimSize(0);
  if (group < 1)
    return emitOpError("group must be >= 1, got ") << group;
  if ((!ShapedType::isDynamic(c) && c % group != 0) ||
      (!ShapedType::isDynamic(f) && f % group != 0))
    return emitOpError("channels (")
           << c << ") and filters (" << f << ") must be multiples of group "
           << group;
  if (!ShapedType::isDynamic(c) && sizesDiffer(w.getDimSize(1), c / group))
    return emitOpError("w has ")
           << w.getDimSize(1) << " input channels, expected " << c / group;
  if (w.isDynamicDim(0) || w.isDynamicDim(2) || w.isDynamicDim(3))
    return emitOpError("w must have static F, kH and kW");
  if (failed(verifyChannelParams(*this, ws, bias, f, "w_scale")))
    return failure();
  SmallVector<int64_t> expected = {x.getDimSize(0), f};
  for (int i = 0; i < 2; ++i) {
    int64_t in = x.getDimSize(2 + i);
    if (ShapedType::isDynamic(in)) {
      expected.push_back(ShapedType::kDynamic);
      continue;
    }
    int64_t span = dilations[i] * (w.getDimSize(2 + i) - 1) + 1;
    int64_t padded = in + pads[i] + pads[i + 2];
    if (padded < span)
      return emitOpError("kernel (extent ")
             << span << ") is larger than the padded input (" << padded
             << ") along spatial dimension " << i;
    expected.push_back((padded - span) / strides[i] + 1);
  }
  if (!shapesCompatible(y.getShape(), expected))
    return emitOpError("result shape ")
           << shapeString(y.getShape()) << " differs from expected "
           << shapeString(expected);
  return success();
}

//===----------------------------------------------------------------------===//
// WeightMatMulOp
//===----------------------------------------------------------------------===//

int64_t WeightMatMulOp::getK() {
  return cast<RankedTensorType>(getX().getType()).getShape().back();
}

int64_t WeightMatMulOp::getNumGroups() {
  int64_t g = getGroupSize();
  return g == 0 ? 1 : (getK() + g - 1) / g;
}

LogicalResult WeightMatMulOp::verify() {
  auto x = ranked(getX()), w = ranked(getW()), scale = ranked(getScale()),
       zp = ranked(getZeroPoint()), bias = ranked(getBias()),
       y = ranked(getY());
  if (!x || !w || !scale || !y || (getZeroPoint() && !zp) ||
      (getBias() && !bias))
    return emitOpError("operands and result must be ranked tensors");
  int64_t bits = getBits();
  if (bits != 2 && bits != 3 && bits != 4 && bits != 8)
    return emitOpError("bits must be 2, 3, 4 or 8, got ") << bits;
  if (x.getRank() < 1)
    return emitOpError("x must have rank >= 1");
  int64_t k = x.getShape().back();
  if (ShapedType::isDynamic(k))
    return emitOpError("x's last dimension (K) must be static");
  int64_t groupSize = getGroupSize();
  if (groupSize < 0 || groupSize > k)
    return emitOpError("group_size must be 0 (per channel) or in [1, K = ")
           << k << "], got " << groupSize;
  if (w.getRank() != 2)
    return emitOpError("w must be 2-D ([N, packed K]), got rank ")
           << w.getRank();
  int64_t n = w.getDimSize(0);
  int64_t packed = (k * getStorageBits() + 7) / 8;
  if (sizesDiffer(w.getDimSize(1), packed))
    return emitOpError("packed w must have ")
           << packed << " bytes per row for K = " << k << " at " << bits
           << " bits, got " << w.getDimSize(1);
  int64_t groups = getNumGroups();
  SmallVector<int64_t> paramShape = {n, groups};
  if (!shapesCompatible(scale.getShape(), paramShape))
    return emitOpError("scale must be [N, G] = ")
           << shapeString(paramShape) << ", got "
           << shapeString(scale.getShape());
  if (std::optional<ArrayRef<float>> book = getCodebook()) {
    if (bits != 4)
      return emitOpError("a codebook needs bits = 4, got ") << bits;
    if (book->size() != 16)
      return emitOpError("codebook must have 16 values, got ")
             << book->size();
    if (getZeroPoint())
      return emitOpError("zero_point and codebook are exclusive (a code book "
                         "has no zero point)");
  }
  bool dqScales = scale.getElementType().isInteger(8);
  if (dqScales) {
    if (!getCodebook())
      return emitOpError("i8 (double-quantized) scales need a codebook");
    if (!getScaleScale() || !getScaleOffset())
      return emitOpError(
          "i8 (double-quantized) scales need scale_scale and scale_offset");
    auto ss = ranked(getScaleScale()), so = ranked(getScaleOffset());
    if (!ss || !so)
      return emitOpError("operands and result must be ranked tensors");
    if (!ShapedType::isDynamic(n)) {
      int64_t blocks = (n * groups + kScaleBlock - 1) / kScaleBlock;
      if (ss.getRank() != 1 || sizesDiffer(ss.getDimSize(0), blocks))
        return emitOpError("scale_scale must be [ceil(N * G / 256)] = [")
               << blocks << "], got " << shapeString(ss.getShape());
    }
    if (so.getRank() != 0)
      return emitOpError("scale_offset must be a scalar (rank 0), got ")
             << shapeString(so.getShape());
  } else if (getScaleScale() || getScaleOffset()) {
    return emitOpError("scale_scale / scale_offset need i8 (double-quantized) "
                       "scales");
  }
  if (zp) {
    if (!shapesCompatible(zp.getShape(), paramShape))
      return emitOpError("zero_point must be [N, G] = ")
             << shapeString(paramShape) << ", got "
             << shapeString(zp.getShape());
    DenseElementsAttr values;
    if (matchPattern(getZeroPoint(), m_Constant(&values)))
      for (APInt z : values.getValues<APInt>())
        if (z.getZExtValue() >= (uint64_t(1) << bits))
          return emitOpError("zero point ")
                 << z.getZExtValue() << " is out of range for " << bits
                 << "-bit codes";
  }
  if (bias && (bias.getRank() != 1 || sizesDiffer(bias.getDimSize(0), n)))
    return emitOpError("bias must be [N] = [")
           << n << "], got shape " << shapeString(bias.getShape());
  SmallVector<int64_t> expected(x.getShape().drop_back());
  expected.push_back(n);
  if (!shapesCompatible(y.getShape(), expected))
    return emitOpError("result shape ")
           << shapeString(y.getShape()) << " differs from expected "
           << shapeString(expected);
  return success();
}

//===----------------------------------------------------------------------===//
// ProbeOp
//===----------------------------------------------------------------------===//

LogicalResult ProbeOp::verify() {
  if (getName().empty())
    return emitOpError("name must not be empty");
  if (std::optional<ArrayAttr> stats = getStats())
    for (Attribute a : *stats) {
      StringRef s = cast<StringAttr>(a).getValue();
      if (!llvm::is_contained({"minmax", "histogram", "channel_absmax",
                               "channel_mean_abs", "hessian", "samples"},
                              s))
        return emitOpError("unknown statistic '")
               << s
               << "' (expected minmax, histogram, channel_absmax, "
                  "channel_mean_abs, hessian or samples)";
    }
  return success();
}
