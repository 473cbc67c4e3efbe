//===- ShapeHelpers.cpp - shared type inference helpers -------------------===//

#include "QuantOpt/Dialect/ONNX/ONNXOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/Support/MathExtras.h"
#include <cstring>

using namespace mlir;

namespace quant_opt::onnx {

bool isNoValue(Value v) { return !v || isa<NoneType>(v.getType()); }

TensorType makeTensorType(std::optional<ArrayRef<int64_t>> shape,
                          Type elementType) {
  if (!shape)
    return UnrankedTensorType::get(elementType);
  return RankedTensorType::get(*shape, elementType);
}

std::optional<SmallVector<int64_t>> shapeOf(Value v) {
  if (auto ranked = dyn_cast<RankedTensorType>(v.getType()))
    return SmallVector<int64_t>(ranked.getShape());
  return std::nullopt;
}

Type elementTypeOf(Value v) {
  if (auto shaped = dyn_cast<ShapedType>(v.getType()))
    return shaped.getElementType();
  return v.getType();
}

/// Raw bytes of a constant operand's value and its element type, for the
/// two attribute kinds the importer produces.
static std::optional<ElementsAttr> getConstantAttr(Value v) {
  if (!v)
    return std::nullopt;
  auto constant = v.getDefiningOp<ConstantOp>();
  if (!constant)
    return std::nullopt;
  return constant.getValue();
}

/// Calls `fn(index, pointer)` for each element stored in a dense_resource
/// blob; returns false if the blob is missing or too small.
template <typename Fn>
static bool forEachResourceElement(DenseResourceElementsAttr attr,
                                   unsigned byteWidth, Fn fn) {
  AsmResourceBlob *blob = attr.getRawHandle().getBlob();
  if (!blob)
    return false;
  ArrayRef<char> data = blob->getData();
  int64_t n = attr.getNumElements();
  if (static_cast<uint64_t>(data.size()) < static_cast<uint64_t>(n) * byteWidth)
    return false;
  for (int64_t i = 0; i < n; ++i)
    fn(i, data.data() + i * byteWidth);
  return true;
}

std::optional<SmallVector<int64_t>> getConstantInts(Value v) {
  auto attr = getConstantAttr(v);
  if (!attr)
    return std::nullopt;
  auto intType = dyn_cast<IntegerType>(attr->getElementType());
  if (!intType)
    return std::nullopt;
  SmallVector<int64_t> values;
  if (auto dense = dyn_cast<DenseIntElementsAttr>(*attr)) {
    for (const APInt &value : dense.getValues<APInt>())
      values.push_back(intType.isUnsigned() ? (int64_t)value.getZExtValue()
                                            : value.getSExtValue());
    return values;
  }
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(*attr)) {
    unsigned width = intType.getWidth();
    if (width % 8 != 0)
      return std::nullopt;
    values.resize(resource.getNumElements());
    bool ok = forEachResourceElement(
        resource, width / 8, [&](int64_t i, const char *p) {
          uint64_t raw = 0;
          std::memcpy(&raw, p, width / 8);
          values[i] = intType.isUnsigned() || width == 64
                          ? (int64_t)raw
                          : llvm::SignExtend64(raw, width);
        });
    if (ok)
      return values;
  }
  return std::nullopt;
}

std::optional<SmallVector<int64_t>> getPartialInts(Value v) {
  if (auto constant = getConstantInts(v))
    return constant;
  Operation *def = v.getDefiningOp();
  if (!def)
    return std::nullopt;
  auto unknown = [&]() -> std::optional<SmallVector<int64_t>> {
    auto shape = shapeOf(v);
    if (!shape || shape->size() > 1)
      return std::nullopt;
    int64_t n = shape->empty() ? 1 : (*shape)[0];
    if (n == kDyn)
      return std::nullopt;
    return SmallVector<int64_t>(n, kDyn);
  };
  if (auto shapeOp = dyn_cast<ShapeOp>(def))
    return shapeOp.getReportedDims();
  if (auto gather = dyn_cast<GatherOp>(def)) {
    auto data = getPartialInts(gather.getData());
    auto index = getConstantInts(gather.getIndices());
    auto indexShape = shapeOf(gather.getIndices());
    if (!data || !index || index->size() != 1 || !indexShape ||
        !indexShape->empty())
      return unknown();
    int64_t i = (*index)[0] < 0 ? (*index)[0] + data->size() : (*index)[0];
    if (i < 0 || i >= (int64_t)data->size())
      return unknown();
    return SmallVector<int64_t>{(*data)[i]};
  }
  if (isa<UnsqueezeOp, CastOp>(def)) {
    Value input = def->getOperand(0);
    auto inputShape = shapeOf(input);
    if (!inputShape || inputShape->size() > 1 ||
        !isa<IntegerType>(elementTypeOf(input)))
      return unknown();
    if (auto values = getPartialInts(input))
      return values;
    return unknown();
  }
  if (auto concat = dyn_cast<ConcatOp>(def)) {
    if (static_cast<int64_t>(concat.getAxis()) != 0 &&
        static_cast<int64_t>(concat.getAxis()) != -1)
      return std::nullopt;
    SmallVector<int64_t> result;
    for (Value input : concat.getInputs()) {
      auto part = getPartialInts(input);
      if (!part) {
        auto shape = shapeOf(input);
        if (!shape || shape->size() != 1 || (*shape)[0] == kDyn)
          return std::nullopt;
        part = SmallVector<int64_t>((*shape)[0], kDyn);
      }
      result.append(part->begin(), part->end());
    }
    return result;
  }
  return unknown();
}

std::optional<SmallVector<double>> getConstantFloats(Value v) {
  auto attr = getConstantAttr(v);
  if (!attr)
    return std::nullopt;
  auto floatType = dyn_cast<FloatType>(attr->getElementType());
  if (!floatType)
    return std::nullopt;
  SmallVector<double> values;
  if (auto dense = dyn_cast<DenseFPElementsAttr>(*attr)) {
    for (const APFloat &value : dense.getValues<APFloat>())
      values.push_back(value.convertToDouble());
    return values;
  }
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(*attr)) {
    unsigned width = floatType.getWidth();
    if (width % 8 != 0)
      return std::nullopt;
    const llvm::fltSemantics &sem = floatType.getFloatSemantics();
    values.resize(resource.getNumElements());
    bool ok = forEachResourceElement(
        resource, width / 8, [&](int64_t i, const char *p) {
          uint64_t raw = 0;
          std::memcpy(&raw, p, width / 8);
          APFloat value(sem, APInt(width, raw));
          bool lost;
          value.convert(llvm::APFloat::IEEEdouble(),
                        llvm::APFloat::rmNearestTiesToEven, &lost);
          values[i] = value.convertToDouble();
        });
    if (ok)
      return values;
  }
  return std::nullopt;
}

FailureOr<int64_t> normalizeAxis(Operation *op, int64_t axis, int64_t rank,
                                 StringRef what) {
  if (axis < -rank || axis >= rank)
    return op->emitOpError()
           << what << " " << axis << " is out of range for rank " << rank;
  return axis < 0 ? axis + rank : axis;
}

FailureOr<SmallVector<int64_t>>
broadcastShapes(Operation *op, ArrayRef<SmallVector<int64_t>> shapes) {
  size_t rank = 0;
  for (const auto &shape : shapes)
    rank = std::max(rank, shape.size());
  SmallVector<int64_t> result(rank, 1);
  for (const auto &shape : shapes) {
    size_t offset = rank - shape.size();
    for (auto [i, dim] : llvm::enumerate(shape)) {
      int64_t &out = result[offset + i];
      if (dim == 1)
        continue;
      if (out == 1) {
        out = dim;
      } else if (dim == kDyn) {
        // A dynamic dim broadcast against a static one > 1 must equal it.
        continue;
      } else if (out == kDyn) {
        out = dim;
      } else if (out != dim) {
        return op->emitOpError("operands are not broadcast-compatible: "
                               "dimension ")
               << (offset + i) << " is " << out << " and " << dim;
      }
    }
  }
  // A dimension that was 1 in some operands and dynamic in others stays
  // dynamic: the loop above leaves `out = kDyn` in that case.
  return result;
}

LogicalResult inferBroadcastTypes(Operation *op, ArrayRef<Value> operands,
                                  Type elementType,
                                  SmallVectorImpl<Type> &out) {
  SmallVector<SmallVector<int64_t>> shapes;
  for (Value v : operands) {
    auto shape = shapeOf(v);
    if (!shape) {
      out.push_back(UnrankedTensorType::get(elementType));
      return success();
    }
    shapes.push_back(std::move(*shape));
  }
  auto shape = broadcastShapes(op, shapes);
  if (failed(shape))
    return failure();
  out.push_back(RankedTensorType::get(*shape, elementType));
  return success();
}

LogicalResult checkSameElementType(Operation *op, Value a, StringRef aName,
                                   Value b, StringRef bName) {
  if (isNoValue(a) || isNoValue(b))
    return success();
  Type ta = elementTypeOf(a), tb = elementTypeOf(b);
  if (ta == tb)
    return success();
  return op->emitOpError("'")
         << aName << "' and '" << bName
         << "' must have the same element type, got " << ta << " and " << tb;
}

bool areCompatible(Type declared, Type inferred) {
  if (declared == inferred)
    return true;
  auto a = dyn_cast<TensorType>(declared);
  auto b = dyn_cast<TensorType>(inferred);
  if (!a || !b)
    return false;
  if (a.getElementType() != b.getElementType())
    return false;
  if (!a.hasRank() || !b.hasRank())
    return true;
  if (a.getRank() != b.getRank())
    return false;
  for (auto [x, y] : llvm::zip(a.getShape(), b.getShape()))
    if (x != kDyn && y != kDyn && x != y)
      return false;
  return true;
}

Type refineType(Type current, Type inferred) {
  auto a = dyn_cast<TensorType>(current);
  auto b = dyn_cast<TensorType>(inferred);
  if (!a || !b)
    return current;
  if (!a.hasRank())
    return b;
  if (!b.hasRank())
    return a;
  SmallVector<int64_t> shape;
  for (auto [x, y] : llvm::zip(a.getShape(), b.getShape()))
    shape.push_back(x != kDyn ? x : y);
  return RankedTensorType::get(shape, a.getElementType());
}

Type getTypeFromONNXDataType(MLIRContext *ctx, int64_t dataType) {
  auto si = [&](unsigned w) { return IntegerType::get(ctx, w); };
  auto ui = [&](unsigned w) {
    return IntegerType::get(ctx, w, IntegerType::Unsigned);
  };
  switch (dataType) {
  case 1:
    return Float32Type::get(ctx);
  case 2:
    return ui(8);
  case 3:
    return si(8);
  case 4:
    return ui(16);
  case 5:
    return si(16);
  case 6:
    return si(32);
  case 7:
    return si(64);
  case 9:
    return si(1);
  case 10:
    return Float16Type::get(ctx);
  case 11:
    return Float64Type::get(ctx);
  case 12:
    return ui(32);
  case 13:
    return ui(64);
  case 16:
    return BFloat16Type::get(ctx);
  case 17:
    return Float8E4M3FNType::get(ctx);
  case 18:
    return Float8E4M3FNUZType::get(ctx);
  case 19:
    return Float8E5M2Type::get(ctx);
  case 20:
    return Float8E5M2FNUZType::get(ctx);
  case 21:
    return ui(4);
  case 22:
    return si(4);
  default:
    return Type();
  }
}

int64_t getONNXDataType(Type type) {
  for (int64_t code = 1; code <= 22; ++code)
    if (Type candidate = getTypeFromONNXDataType(type.getContext(), code))
      if (candidate == type)
        return code;
  return 0;
}

std::optional<int64_t> getNumElements(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d == kDyn || d < 0)
      return std::nullopt;
    if (llvm::MulOverflow(n, d, n))
      return std::nullopt;
  }
  return n;
}

} // namespace quant_opt::onnx
