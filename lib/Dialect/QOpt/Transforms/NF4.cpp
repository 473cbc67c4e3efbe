//===- NF4.cpp - weight-only NF4 quantization (QLoRA) ---------------------===//
//
// Every MatMul / Gemm with a constant weight that fits `qopt.weight_matmul`
// (getLinearWeight) becomes a code-book `qopt.weight_matmul`: NF4 codes
// (lib/Quant NF4.h, blocks along K, absmax per block), the 16 NF4 levels as
// the code book, and either the f32 absmax constants or, with
// double-quant, their int8 codes + per-256 scales + mean.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Dialect/QOpt/Passes.h"
#include "QuantUtils.h"

#include "QuantOpt/Dialect/ONNX/ONNXOps.h"
#include "QuantOpt/Dialect/QOpt/QOptOps.h"
#include "QuantOpt/Quant/NF4.h"

namespace quant_opt::qopt {
#define GEN_PASS_DEF_NF4
#include "QOptTransformsPasses.h.inc"
} // namespace quant_opt::qopt

using namespace mlir;
using namespace quant_opt;
using namespace quant_opt::qopt;

namespace {

struct NF4Pass : quant_opt::qopt::impl::NF4Base<NF4Pass> {
  using NF4Base::NF4Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (blockSize < 1) {
      emitError(module.getLoc())
          << "--qopt-nf4: block-size must be >= 1, got "
          << blockSize.getValue();
      return signalPassFailure();
    }
    SmallVector<Operation *> ops;
    module.walk([&](Operation *op) {
      if (isa<onnx::MatMulOp, onnx::GemmOp, onnx::ConvOp>(op))
        ops.push_back(op);
    });
    for (Operation *op : ops)
      if (failed(quantize(op)))
        return signalPassFailure();
  }

  LogicalResult quantize(Operation *op) {
    MLIRContext *context = op->getContext();
    if (op->hasAttr("qopt.scheme"))
      return success(); // quantized by an earlier pass
    if (isa<onnx::ConvOp>(op)) {
      op->setAttr("qopt.float_reason",
                  StringAttr::get(context, "--qopt-nf4 quantizes MatMul / "
                                           "Gemm weights only, not Conv"));
      return success();
    }
    std::string reason;
    auto linear = getLinearWeight(op, reason);
    if (failed(linear))
      return failure();
    if (!*linear) {
      op->setAttr("qopt.float_reason", StringAttr::get(context, reason));
      return success();
    }
    const LinearWeight &layer = **linear;
    ::qopt::quant::Nf4Options options;
    options.blockSize = blockSize;
    options.doubleQuant = doubleQuant;
    ::qopt::quant::Nf4Weight nf4;
    auto status = ::qopt::quant::quantizeNf4(
        ::qopt::quant::Span<float>(layer.weight), layer.n, layer.k, options,
        nf4);
    if (status.failed())
      return op->emitError() << "--qopt-nf4: " << status.message();
    double sqnr = sqnrDb(layer.weight, ::qopt::quant::dequantizeNf4(nf4));

    // The codes in the RTN layout (4 bits, no zero point); the scales are
    // the absmax constants.
    ::qopt::quant::RtnWeight codes;
    codes.n = nf4.n;
    codes.k = nf4.k;
    codes.bits = 4;
    codes.groupSize = nf4.blockSize;
    codes.numGroups = nf4.numBlocks;
    codes.symmetric = true;
    codes.codes = nf4.codes;
    codes.scales = nf4.absmax;
    CodebookScales book;
    const auto &levels = ::qopt::quant::nf4Levels();
    book.codebook.assign(levels.begin(), levels.end());
    if (doubleQuant) {
      book.doubleQuant = true;
      book.scaleCodes = nf4.absmaxDq.codes;
      book.scaleScales = nf4.absmaxDq.scales;
      book.scaleOffset = nf4.absmaxDq.offset;
    }
    FailureOr<Operation *> replaced =
        replaceWithWeightMatMul(layer, codes, {}, &book);
    if (failed(replaced))
      return failure();
    Operation *wmm = *replaced;
    Builder builder(context);
    wmm->setAttr("qopt.scheme",
                 StringAttr::get(context, doubleQuant ? "nf4-dq" : "nf4"));
    wmm->setAttr("qopt.bits", builder.getI64IntegerAttr(4));
    wmm->setAttr("qopt.block_size", builder.getI64IntegerAttr(nf4.blockSize));
    wmm->setAttr("qopt.bits_per_param",
                 builder.getF64FloatAttr(::qopt::quant::nf4BitsPerParameter(
                     nf4.blockSize, doubleQuant)));
    wmm->setAttr("qopt.weight_sqnr_db", builder.getF64FloatAttr(sqnr));
    return success();
  }
};

} // namespace
