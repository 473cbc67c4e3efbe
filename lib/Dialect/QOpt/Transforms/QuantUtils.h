//===- QuantUtils.h - helpers shared by the quantization passes -*- C++ -*-===//
//
// Tensor names, constant weights in and out of the IR, the module
// fingerprint and the RTN weight encoder the passes share.
//
// quantizeRTN here is lib/Quant's quantizeRtn seen in the ONNX [K, N]
// layout with signed symmetric codes (what onnx.DequantizeLinear and
// qopt.qmatmul read); the qopt.weight_matmul path calls lib/Quant's
// quantizeRtn / packCodes ([N, K], unsigned) directly.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_LIB_DIALECT_QOPT_TRANSFORMS_QUANTUTILS_H
#define QUANTOPT_LIB_DIALECT_QOPT_TRANSFORMS_QUANTUTILS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"

#include "QuantOpt/Quant/Encoders.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace quant_opt::qopt {

/// The name a tensor has in the ONNX graph: the `onnx.name` of a function
/// argument, or the producing node's name (NameLoc), suffixed with
/// ":<result number>" for results after the first.
std::string tensorName(mlir::Value value);

/// The node name of `op` (its NameLoc), or "<op name>@<position>" when the
/// op has no name.
std::string nodeName(mlir::Operation *op);

/// The values of a float constant (onnx.Constant, dense or dense_resource),
/// or nullopt when `value` is not one.
std::optional<std::vector<float>> readFloatConstant(mlir::Value value);

/// True when `value` is produced by an onnx.Constant.
bool isConstant(mlir::Value value);

/// Creates an onnx.Constant of `type` holding `bytes` (row-major, element
/// size of `type`): a dense_resource blob called `blobName` (uniqued), or an
/// inline dense attribute for at most 16 elements.
mlir::Value createConstant(mlir::OpBuilder &builder, mlir::Location loc,
                           mlir::RankedTensorType type,
                           llvm::ArrayRef<char> bytes,
                           llvm::StringRef blobName);

/// Convenience: an f32 constant.
mlir::Value createF32Constant(mlir::OpBuilder &builder, mlir::Location loc,
                              llvm::ArrayRef<int64_t> shape,
                              llvm::ArrayRef<float> values,
                              llvm::StringRef blobName);

/// A hash of the module's graph (op names, types, attributes) and of every
/// weight's bytes, as 16 hex digits. Locations are not part of it.
std::string moduleFingerprint(mlir::ModuleOp module);

/// The graph function of an imported model (the first func.func with a
/// body), or null with an error on `module`.
mlir::Operation *getGraphFunction(mlir::ModuleOp module);

/// Result of round-to-nearest quantization of a weight.
struct RTNResult {
  std::vector<int8_t> codes;      ///< one per weight (ui8 bit pattern when
                                  ///< asymmetric), same layout as the input
  std::vector<float> scales;      ///< [numGroups][channels] or [channels]
  std::vector<uint8_t> zeroPoints; ///< like scales; empty when symmetric
  double sqnrDb = 0;              ///< SQNR of the dequantized weight
};

/// Quantizes the 2-D row-major weight `w` of `rows` x `cols` with one scale
/// per (group of `groupSize` rows, column) — columns are output channels
/// and rows the reduction dimension; groupSize 0 = all rows. Symmetric:
/// signed codes in [-(2^(b-1)-1), 2^(b-1)-1]; asymmetric: unsigned codes in
/// [0, 2^b-1] with a zero point. Rounding is half to even.
RTNResult quantizeRTN(llvm::ArrayRef<float> w, int64_t rows, int64_t cols,
                      int64_t groupSize, int64_t bits, bool symmetric);

/// What quantizeWeightRTN did.
struct WeightQuantization {
  bool quantized = false;
  std::string floatReason; ///< why not, when !quantized
  int64_t groupSize = 0;   ///< the group size used (0: per channel)
  double weightSqnrDb = 0;
};

/// Replaces the constant weight of a MatMul / Gemm / Conv by RTN codes and
/// an onnx.DequantizeLinear (see --qopt-rtn). An op that cannot be
/// quantized is left alone with `out.floatReason` set; failure() only for
/// IR that should not exist (an unreadable constant).
llvm::LogicalResult quantizeWeightRTN(mlir::Operation *op, int64_t bits,
                                      int64_t groupSize, bool symmetric,
                                      WeightQuantization &out);

/// A Gemm with a constant B folded for a [K, N] matmul with an [N] bias.
struct GemmWeight {
  std::vector<float> weight;             ///< B as [K, N] (transB undone)
  int64_t k = 0, n = 0;
  float alpha = 1;                       ///< not applied to `weight`
  std::optional<std::vector<float>> bias; ///< beta * C broadcast to [N]
};

/// Reads the Gemm `gemm`'s constant B ([K, N], a transB constant
/// transposed) and folds beta * C into an [N] bias. Nullopt with `reason`
/// set when the Gemm does not fit: transA=1, A's K not static, B not a
/// static 2-D f32 constant, C not a float constant or varying along M.
std::optional<GemmWeight> foldGemm(mlir::Operation *gemm, std::string &reason);

/// The weight of a MatMul / Gemm in the form `qopt.weight_matmul` takes:
/// `weight` is [N, K] row-major (the transpose of MatMul's B, a Gemm's
/// alpha folded in), `bias` beta * C broadcast to [N] for a Gemm.
struct LinearWeight {
  mlir::Operation *op = nullptr; ///< the MatMul or Gemm
  mlir::Value input;             ///< its activation operand A
  std::vector<float> weight;     ///< [N, K]
  int64_t n = 0, k = 0;
  std::optional<std::vector<float>> bias;
};

/// The weight of `op` (onnx MatMul with a constant static 2-D f32 B and A's
/// last dimension static, or a Gemm that foldGemm accepts) as a
/// LinearWeight. Nullopt with `reason` set when `op` does not have that
/// form (the weight-only passes leave it alone or use another form);
/// failure() after an error on `op` when its constant cannot be read.
mlir::FailureOr<std::optional<LinearWeight>>
getLinearWeight(mlir::Operation *op, std::string &reason);

/// The code-book form of `qopt.weight_matmul` (NF4): the 16-entry book and,
/// with double quantization, the i8 codes of the [N, G] scales with one f32
/// scale per 256 of them and an f32 offset (these replace the f32 scales).
struct CodebookScales {
  std::vector<float> codebook;    ///< 16 values
  bool doubleQuant = false;
  std::vector<int8_t> scaleCodes; ///< [N, G], when doubleQuant
  std::vector<float> scaleScales; ///< [ceil(N * G / 256)], when doubleQuant
  float scaleOffset = 0;          ///< when doubleQuant
};

/// Replaces `linear.op` by a `qopt.weight_matmul` of the quantized weight
/// `quantized` ([N, K] codes in lib/Quant's layout, packed here; zero points
/// emitted unless `quantized.symmetric`). A non-empty `permutation` (storage
/// column j = original column permutation[j], e.g. GPTQ's act-order) gathers
/// the activation's last axis with it (onnx.Gather) first. With `codebook`
/// (4-bit codes, `quantized.symmetric`: no zero point) the op gets the
/// `codebook` attribute and, when double-quantized, i8 scales with
/// `scale_scale` / `scale_offset` instead of `quantized.scales`. The old op
/// and constants it alone used are erased. Returns the new op.
mlir::FailureOr<mlir::Operation *>
replaceWithWeightMatMul(const LinearWeight &linear,
                        const ::qopt::quant::RtnWeight &quantized,
                        llvm::ArrayRef<int64_t> permutation = {},
                        const CodebookScales *codebook = nullptr);

/// The attribute (on the module) naming the fingerprint a calibration
/// table must have once --qopt-smoothquant changed the weights.
constexpr const char *kCalibrationFingerprintAttr =
    "qopt.calibration_fingerprint";

struct CalibrationTable;

/// Reads the calibration table at `path` for `module`: its fingerprint must
/// be the module's, or the one --qopt-smoothquant recorded in
/// kCalibrationFingerprintAttr. Errors name the file.
std::optional<CalibrationTable> readCalibrationTableFor(mlir::ModuleOp module,
                                                        llvm::StringRef path,
                                                        std::string &error);

/// 10*log10(sum x^2 / sum (x-y)^2); +inf-free: capped at 300 dB.
double sqnrDb(llvm::ArrayRef<float> reference, llvm::ArrayRef<float> test);

} // namespace quant_opt::qopt

#endif // QUANTOPT_LIB_DIALECT_QOPT_TRANSFORMS_QUANTUTILS_H
