//===- ShapeHelpers.h - shared type inference helpers -----------*- C++ -*-===//
//
// Building blocks for InferTypesOpInterface implementations: broadcasting,
// reading constant operands, normalizing axes, merging inferred and declared
// types. All functions tolerate unranked and dynamic inputs.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_DIALECT_ONNX_SHAPEHELPERS_H
#define QUANTOPT_DIALECT_ONNX_SHAPEHELPERS_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Operation.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/SmallVector.h"
#include <optional>

namespace quant_opt::onnx {

/// The dynamic dimension marker (ShapedType::kDynamic).
constexpr int64_t kDyn = mlir::ShapedType::kDynamic;

/// True if `v` is an absent optional input (its type is `none`).
bool isNoValue(mlir::Value v);

/// Returns a ranked tensor type, or an unranked one when `shape` is nullopt.
mlir::TensorType makeTensorType(std::optional<llvm::ArrayRef<int64_t>> shape,
                                mlir::Type elementType);

/// The shape of `v` if it is a ranked tensor.
std::optional<llvm::SmallVector<int64_t>> shapeOf(mlir::Value v);

/// The element type of the shaped value `v`.
mlir::Type elementTypeOf(mlir::Value v);

/// Reads an integer constant operand (onnx.Constant with a dense or
/// dense_resource value, any integer width). nullopt if not constant.
std::optional<llvm::SmallVector<int64_t>> getConstantInts(mlir::Value v);

/// Reads an integer vector that is only partly known at compile time, as
/// exporters build shapes: constants, Shape(x) (x's static dims), Gather of a
/// scalar index from such a vector, Unsqueeze of a scalar, integer Cast, and
/// axis-0 Concat of such pieces. Unknown elements are kDyn. nullopt if `v`
/// is none of these or its length is unknown.
std::optional<llvm::SmallVector<int64_t>> getPartialInts(mlir::Value v);

/// Reads a floating-point constant operand as doubles.
std::optional<llvm::SmallVector<double>> getConstantFloats(mlir::Value v);

/// Normalizes `axis` in [-rank, rank) to [0, rank); emits an error naming
/// `what` on `op` and fails when out of range.
llvm::FailureOr<int64_t> normalizeAxis(mlir::Operation *op, int64_t axis,
                                       int64_t rank, llvm::StringRef what);

/// Multidirectional (numpy) broadcasting of the given shapes. Fails with an
/// error on `op` if two static dimensions disagree and neither is 1.
llvm::FailureOr<llvm::SmallVector<int64_t>>
broadcastShapes(mlir::Operation *op,
                llvm::ArrayRef<llvm::SmallVector<int64_t>> shapes);

/// Infers one result: the broadcast shape of `operands` (unranked if any is
/// unranked) with element type `elementType`.
llvm::LogicalResult inferBroadcastTypes(mlir::Operation *op,
                                        llvm::ArrayRef<mlir::Value> operands,
                                        mlir::Type elementType,
                                        llvm::SmallVectorImpl<mlir::Type> &out);

/// Fails with an error on `op` naming both operands unless their element
/// types match (absent optional operands match anything).
llvm::LogicalResult checkSameElementType(mlir::Operation *op, mlir::Value a,
                                         llvm::StringRef aName, mlir::Value b,
                                         llvm::StringRef bName);

/// True if two tensor types may describe the same runtime tensor.
bool areCompatible(mlir::Type declared, mlir::Type inferred);

/// The most precise type compatible with both (they must be compatible).
mlir::Type refineType(mlir::Type current, mlir::Type inferred);

/// The MLIR element type of an ONNX TensorProto.DataType code (1 = FLOAT,
/// 7 = INT64, ...). Signed integers are signless (i8), unsigned ones are
/// `ui8`..., BOOL is i1, INT4 / UINT4 are i4 / ui4. Returns a null Type for
/// codes MLIR cannot hold (STRING, COMPLEX*, unknown).
mlir::Type getTypeFromONNXDataType(mlir::MLIRContext *context,
                                   int64_t dataType);

/// The inverse of getTypeFromONNXDataType; 0 (UNDEFINED) if none.
int64_t getONNXDataType(mlir::Type type);

/// Number of elements if the shape is fully static.
std::optional<int64_t> getNumElements(llvm::ArrayRef<int64_t> shape);

} // namespace quant_opt::onnx

#endif // QUANTOPT_DIALECT_ONNX_SHAPEHELPERS_H
