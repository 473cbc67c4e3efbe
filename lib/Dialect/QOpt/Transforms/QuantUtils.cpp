//===- QuantUtils.cpp - helpers shared by the quantization passes ---------===//

#include "QuantUtils.h"
#include "CalibrationTable.h"

#include "QuantOpt/Dialect/ONNX/ONNXOps.h"
#include "QuantOpt/Dialect/ONNX/ShapeHelpers.h"
#include "QuantOpt/Dialect/QOpt/QOptOps.h"
#include "QuantOpt/Quant/Encoders.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"

#include <algorithm>
#include <cassert>
#include <cmath>

using namespace mlir;

namespace quant_opt::qopt {

static std::optional<std::string> nameOfLoc(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      if (auto name = nameOfLoc(inner))
        return name;
  return std::nullopt;
}

std::string nodeName(Operation *op) {
  if (auto name = nameOfLoc(op->getLoc()))
    return *name;
  // Position in the block: deterministic for a given module.
  unsigned index = 0;
  for (Operation &other : *op->getBlock()) {
    if (&other == op)
      break;
    ++index;
  }
  return (op->getName().getStringRef() + "@" + llvm::Twine(index)).str();
}

std::string tensorName(Value value) {
  if (auto arg = dyn_cast<BlockArgument>(value)) {
    if (auto func = dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp()))
      if (auto name = func.getArgAttrOfType<StringAttr>(arg.getArgNumber(),
                                                        "onnx.name"))
        return name.str();
    return "arg" + std::to_string(arg.getArgNumber());
  }
  auto result = cast<OpResult>(value);
  std::string name = nodeName(result.getOwner());
  if (result.getResultNumber() > 0)
    name += ":" + std::to_string(result.getResultNumber());
  return name;
}

bool isConstant(Value value) {
  return value && value.getDefiningOp<onnx::ConstantOp>();
}

std::optional<std::vector<float>> readFloatConstant(Value value) {
  if (!isConstant(value))
    return std::nullopt;
  auto doubles = onnx::getConstantFloats(value);
  if (!doubles)
    return std::nullopt;
  return std::vector<float>(doubles->begin(), doubles->end());
}

Value createConstant(OpBuilder &builder, Location loc, RankedTensorType type,
                     ArrayRef<char> bytes, StringRef blobName) {
  ElementsAttr attr;
  if (type.getNumElements() <= 16) {
    attr = DenseElementsAttr::getFromRawBuffer(type, bytes);
  } else {
    AsmResourceBlob blob =
        HeapAsmResourceBlob::allocateAndCopyWithAlign(bytes, 64);
    attr = DenseResourceElementsAttr::get(type, blobName, std::move(blob));
  }
  return onnx::ConstantOp::create(builder, loc, attr);
}

Value createF32Constant(OpBuilder &builder, Location loc,
                        ArrayRef<int64_t> shape, ArrayRef<float> values,
                        StringRef blobName) {
  auto type = RankedTensorType::get(shape, builder.getF32Type());
  return createConstant(
      builder, loc, type,
      ArrayRef<char>(reinterpret_cast<const char *>(values.data()),
                     values.size() * sizeof(float)),
      blobName);
}

Operation *getGraphFunction(ModuleOp module) {
  for (auto func : module.getOps<func::FuncOp>())
    if (!func.isExternal())
      return func;
  emitError(module.getLoc(), "no function with a body: nothing to quantize");
  return nullptr;
}

std::string moduleFingerprint(ModuleOp module) {
  // FNV-1a over a stream of 64-bit digests: the printed op name, types and
  // attributes, and xxh3 of each weight blob (printing would elide them).
  uint64_t hash = 1469598103934665603ull;
  auto mix = [&](uint64_t digest) {
    for (int i = 0; i < 8; ++i) {
      hash ^= (digest >> (8 * i)) & 0xff;
      hash *= 1099511628211ull;
    }
  };
  auto mixText = [&](StringRef text) { mix(llvm::xxh3_64bits(text)); };
  module.walk([&](Operation *op) {
    mixText(op->getName().getStringRef());
    for (NamedAttribute attr : op->getAttrs()) {
      // Annotations of the quantization passes are not the model.
      if (attr.getName().getValue().starts_with("qopt."))
        continue;
      mixText(attr.getName().getValue());
      if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr.getValue())) {
        std::string type;
        llvm::raw_string_ostream os(type);
        resource.getType().print(os);
        mixText(type);
        if (AsmResourceBlob *blob = resource.getRawHandle().getBlob()) {
          ArrayRef<char> data = blob->getData();
          mix(llvm::xxh3_64bits(ArrayRef<uint8_t>(
              reinterpret_cast<const uint8_t *>(data.data()), data.size())));
        }
        continue;
      }
      std::string text;
      llvm::raw_string_ostream os(text);
      attr.getValue().print(os);
      mixText(text);
    }
    for (Type type : op->getResultTypes()) {
      std::string text;
      llvm::raw_string_ostream os(text);
      type.print(os);
      mixText(text);
    }
    mix(op->getNumOperands());
  });
  std::string out;
  llvm::raw_string_ostream os(out);
  os << llvm::format_hex_no_prefix(hash, 16);
  return out;
}

std::optional<CalibrationTable>
readCalibrationTableFor(ModuleOp module, StringRef path, std::string &error) {
  auto table = CalibrationTable::read(path, error);
  if (!table)
    return std::nullopt;
  std::string own = moduleFingerprint(module);
  auto recorded = module->getAttrOfType<StringAttr>(kCalibrationFingerprintAttr);
  if (table->fingerprint != own &&
      !(recorded && table->fingerprint == recorded.getValue())) {
    error = "calibration table '" + path.str() +
            "': written for another model (fingerprint " + table->fingerprint +
            ", this model is " + own + ")";
    return std::nullopt;
  }
  return table;
}

RTNResult quantizeRTN(ArrayRef<float> w, int64_t rows, int64_t cols,
                      int64_t groupSize, int64_t bits, bool symmetric) {
  // lib/Quant quantizes [N, K] rows (output channel, reduction); this view is
  // [K, N]: transpose in, and the codes / parameters back out.
  std::vector<float> t(rows * cols);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      t[c * rows + r] = w[r * cols + c];
  ::qopt::quant::RtnOptions options;
  options.bits = int(bits);
  options.groupSize = groupSize <= 0 ? 0 : groupSize;
  options.symmetric = symmetric;
  ::qopt::quant::RtnWeight q;
  // Only bits outside {2, 3, 4, 8} fail, and the passes check them first.
  bool ok = ::qopt::quant::quantizeRtn(t, cols, rows, options, q).isOk();
  assert(ok && "quantizeRtn: bits checked by the pass");
  (void)ok;
  RTNResult result;
  int64_t numGroups = q.numGroups;
  result.codes.resize(rows * cols);
  result.scales.resize(numGroups * cols);
  if (!symmetric)
    result.zeroPoints.resize(numGroups * cols);
  // Symmetric codes are signed: lib/Quant's unsigned code minus 2^(bits-1).
  const int32_t offset = symmetric ? 1 << (bits - 1) : 0;
  for (int64_t c = 0; c < cols; ++c) {
    for (int64_t r = 0; r < rows; ++r)
      result.codes[r * cols + c] =
          static_cast<int8_t>(int32_t(q.codes[c * rows + r]) - offset);
    for (int64_t g = 0; g < numGroups; ++g) {
      result.scales[g * cols + c] = q.scales[c * numGroups + g];
      if (!symmetric)
        result.zeroPoints[g * cols + c] = q.zeroPoints[c * numGroups + g];
    }
  }
  result.sqnrDb = sqnrDb(t, ::qopt::quant::dequantizeRtn(q));
  return result;
}

double sqnrDb(ArrayRef<float> reference, ArrayRef<float> test) {
  // Finite for the attributes: +-300 dB stand for exact / all-noise.
  double db = ::qopt::quant::sqnrDb(
      ::qopt::quant::Span<float>(reference.data(), reference.size()),
      ::qopt::quant::Span<float>(test.data(), test.size()));
  if (std::isnan(db))
    return db;
  return std::clamp(db, -300.0, 300.0);
}

} // namespace quant_opt::qopt

std::optional<quant_opt::qopt::GemmWeight>
quant_opt::qopt::foldGemm(Operation *op,
                                                   std::string &reason) {
  auto gemm = cast<onnx::GemmOp>(op);
  auto xType = dyn_cast<RankedTensorType>(gemm.getA().getType());
  auto bType = dyn_cast<RankedTensorType>(gemm.getB().getType());
  auto yType = dyn_cast<RankedTensorType>(gemm.getY().getType());
  if (gemm.getTransA() != 0) {
    reason = "transA=1 (the quantized matmuls read A as [M, K])";
    return std::nullopt;
  }
  if (!xType || !bType || !yType || xType.getRank() != 2 ||
      xType.isDynamicDim(1) || !xType.getElementType().isF32() ||
      bType.getRank() != 2 || !bType.hasStaticShape() ||
      !bType.getElementType().isF32() || yType.getRank() != 2 ||
      !isConstant(gemm.getB())) {
    reason = "A's K is dynamic or B is not a static 2-D f32 constant";
    return std::nullopt;
  }
  GemmWeight out;
  bool transB = gemm.getTransB() != 0;
  out.k = bType.getDimSize(transB ? 1 : 0);
  out.n = bType.getDimSize(transB ? 0 : 1);
  out.alpha = gemm.getAlpha().convertToFloat();
  // C: absent, or a constant broadcastable to [N] along M (shape [], [1],
  // [N], [1, 1] or [1, N]).
  Value c = gemm.getC();
  if (c && !isa<NoneType>(c.getType())) {
    auto cType = dyn_cast<RankedTensorType>(c.getType());
    std::optional<std::vector<float>> cValues;
    if (isConstant(c))
      cValues = readFloatConstant(c);
    if (!cType || !cType.hasStaticShape() || !cValues) {
      reason = "bias C is not a float constant";
      return std::nullopt;
    }
    ArrayRef<int64_t> shape = cType.getShape();
    bool rowBroadcast =
        shape.size() <= 1 || (shape.size() == 2 && shape[0] == 1);
    int64_t last = shape.empty() ? 1 : shape.back();
    if (!rowBroadcast || (last != 1 && last != out.n)) {
      reason = "bias C varies along M (cannot fold into a [N] bias)";
      return std::nullopt;
    }
    float beta = gemm.getBeta().convertToFloat();
    out.bias.emplace(out.n);
    for (int64_t j = 0; j < out.n; ++j)
      (*out.bias)[j] = beta * (*cValues)[last == 1 ? 0 : j];
  }
  auto values = readFloatConstant(gemm.getB());
  if (!values) {
    reason = "cannot read the constant weight B";
    return std::nullopt;
  }
  if (transB) {
    out.weight.resize(out.k * out.n);
    for (int64_t i = 0; i < out.n; ++i)
      for (int64_t j = 0; j < out.k; ++j)
        out.weight[j * out.n + i] = (*values)[i * out.k + j];
  } else {
    out.weight = std::move(*values);
  }
  return out;
}

FailureOr<std::optional<quant_opt::qopt::LinearWeight>>
quant_opt::qopt::getLinearWeight(Operation *op, std::string &reason) {
  LinearWeight linear;
  linear.op = op;
  if (auto matmul = dyn_cast<onnx::MatMulOp>(op)) {
    auto aType = dyn_cast<RankedTensorType>(matmul.getA().getType());
    auto bType = dyn_cast<RankedTensorType>(matmul.getB().getType());
    if (!isConstant(matmul.getB())) {
      reason = "weight B is not a constant (activation x activation matmul)";
      return std::optional<LinearWeight>();
    }
    if (!aType || !bType || aType.getRank() < 2 || bType.getRank() != 2 ||
        !bType.hasStaticShape() || aType.isDynamicDim(aType.getRank() - 1) ||
        !aType.getElementType().isF32() || !bType.getElementType().isF32()) {
      reason = "needs a static 2-D f32 weight and A's last dimension static";
      return std::optional<LinearWeight>();
    }
    auto values = readFloatConstant(matmul.getB());
    if (!values) {
      matmul.emitError("cannot read the constant weight");
      return failure();
    }
    linear.input = matmul.getA();
    linear.k = bType.getDimSize(0);
    linear.n = bType.getDimSize(1);
    linear.weight.resize(linear.n * linear.k);
    for (int64_t r = 0; r < linear.k; ++r)
      for (int64_t c = 0; c < linear.n; ++c)
        linear.weight[c * linear.k + r] = (*values)[r * linear.n + c];
    return std::optional<LinearWeight>(std::move(linear));
  }
  if (isa<onnx::GemmOp>(op)) {
    auto folded = foldGemm(op, reason);
    if (!folded)
      return std::optional<LinearWeight>();
    linear.input = cast<onnx::GemmOp>(op).getA();
    linear.k = folded->k;
    linear.n = folded->n;
    linear.bias = std::move(folded->bias);
    linear.weight.resize(linear.n * linear.k);
    for (int64_t r = 0; r < linear.k; ++r)
      for (int64_t c = 0; c < linear.n; ++c)
        linear.weight[c * linear.k + r] =
            folded->alpha * folded->weight[r * linear.n + c];
    return std::optional<LinearWeight>(std::move(linear));
  }
  reason = "not a MatMul or Gemm";
  return std::optional<LinearWeight>();
}

FailureOr<Operation *> quant_opt::qopt::replaceWithWeightMatMul(
    const LinearWeight &linear, const ::qopt::quant::RtnWeight &quantized,
    ArrayRef<int64_t> permutation, const CodebookScales *codebook) {
  Operation *op = linear.op;
  int64_t n = linear.n, k = linear.k;
  if (quantized.n != n || quantized.k != k ||
      (!permutation.empty() && (int64_t)permutation.size() != k))
    return op->emitError("quantized weight does not match the layer");
  std::vector<uint8_t> packed;
  auto status = ::qopt::quant::packCodes(
      ::qopt::quant::Span<uint8_t>(quantized.codes), n, k, quantized.bits,
      packed);
  if (status.failed())
    return op->emitError() << status.message();

  MLIRContext *context = op->getContext();
  OpBuilder builder(op);
  Location loc = op->getLoc();
  std::string name = nodeName(op);
  auto u8 = IntegerType::get(context, 8, IntegerType::Unsigned);
  int64_t rowBytes = ::qopt::quant::packedRowBytes(k, quantized.bits);
  Value w = createConstant(
      builder, loc, RankedTensorType::get({n, rowBytes}, u8),
      ArrayRef<char>(reinterpret_cast<const char *>(packed.data()),
                     packed.size()),
      name + ".qweight");
  Value scale, scaleScale, scaleOffset;
  if (codebook && codebook->doubleQuant) {
    int64_t count = n * quantized.numGroups;
    int64_t blocks = (count + WeightMatMulOp::kScaleBlock - 1) /
                     WeightMatMulOp::kScaleBlock;
    if ((int64_t)codebook->scaleCodes.size() != count ||
        (int64_t)codebook->scaleScales.size() != blocks)
      return op->emitError("double-quantized scales do not match the layer");
    scale = createConstant(
        builder, loc,
        RankedTensorType::get({n, quantized.numGroups}, builder.getI8Type()),
        ArrayRef<char>(
            reinterpret_cast<const char *>(codebook->scaleCodes.data()),
            count),
        name + ".scale_code");
    scaleScale = createF32Constant(builder, loc, {blocks},
                                   codebook->scaleScales, name + ".scale_scale");
    scaleOffset = createF32Constant(builder, loc, {}, {codebook->scaleOffset},
                                    name + ".scale_offset");
  } else {
    scale = createF32Constant(builder, loc, {n, quantized.numGroups},
                              quantized.scales, name + ".scale");
  }
  Value zp;
  if (!quantized.symmetric)
    zp = createConstant(
        builder, loc, RankedTensorType::get({n, quantized.numGroups}, u8),
        ArrayRef<char>(
            reinterpret_cast<const char *>(quantized.zeroPoints.data()),
            quantized.zeroPoints.size()),
        name + ".zero_point");
  Value biasValue;
  if (linear.bias)
    biasValue =
        createF32Constant(builder, loc, {n}, *linear.bias, name + ".bias");
  Value x = linear.input;
  if (!permutation.empty()) {
    auto i64 = builder.getI64Type();
    Value indices = createConstant(
        builder, loc, RankedTensorType::get({k}, i64),
        ArrayRef<char>(reinterpret_cast<const char *>(permutation.data()),
                       permutation.size() * sizeof(int64_t)),
        name + ".permutation");
    auto xType = cast<RankedTensorType>(x.getType());
    int64_t rank = xType.getRank();
    x = onnx::GatherOp::create(builder, loc, xType, x, indices,
                               builder.getI64IntegerAttr(rank - 1));
  }
  int64_t group = quantized.numGroups == 1 ? 0 : quantized.groupSize;
  auto yType = cast<RankedTensorType>(op->getResult(0).getType());
  auto wmm = WeightMatMulOp::create(
      builder, loc, yType, x, w, scale, zp, scaleScale, scaleOffset, biasValue,
      builder.getI64IntegerAttr(quantized.bits),
      builder.getI64IntegerAttr(group),
      codebook ? builder.getDenseF32ArrayAttr(codebook->codebook)
               : DenseF32ArrayAttr());
  op->getResult(0).replaceAllUsesWith(wmm.getY());
  SmallVector<Value> operands(op->getOperands());
  op->erase();
  for (Value old : operands)
    if (old && old.use_empty() && isConstant(old))
      old.getDefiningOp()->erase();
  return wmm.getOperation();
}
