//===- TensorOps.cpp - shape and data movement ops ------------------------===//

#include "QuantOpt/Dialect/ONNX/ONNXOps.h"

using namespace mlir;
using namespace quant_opt::onnx;

//===----------------------------------------------------------------------===//
// Reshape
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::inferResultTypes(SmallVectorImpl<Type> &inferred) {
  Type elementType = elementTypeOf(getData());
  auto shapeShape = shapeOf(getShape());
  if (shapeShape && shapeShape->size() != 1)
    return emitOpError("'shape' must be a 1-D tensor");
  auto target = getConstantInts(getShape());
  if (!target) {
    if (shapeShape && (*shapeShape)[0] != kDyn)
      inferred.push_back(RankedTensorType::get(
          SmallVector<int64_t>((*shapeShape)[0], kDyn), elementType));
    else
      inferred.push_back(UnrankedTensorType::get(elementType));
    return success();
  }
  auto input = shapeOf(getData());
  SmallVector<int64_t> result;
  int64_t inferIndex = -1;
  for (auto [i, dim] : llvm::enumerate(*target)) {
    if (dim == -1) {
      if (inferIndex >= 0)
        return emitOpError("'shape' has more than one -1");
      inferIndex = i;
      result.push_back(kDyn);
    } else if (dim == 0 && !getAllowzero()) {
      if (!input) {
        result.push_back(kDyn);
      } else if (i >= input->size()) {
        return emitOpError("'shape' copies dimension ")
               << i << " (0) but the input has rank " << input->size();
      } else {
        result.push_back((*input)[i]);
      }
    } else if (dim < 0) {
      return emitOpError("'shape' has invalid dimension ") << dim;
    } else {
      result.push_back(dim);
    }
  }
  if (getAllowzero() && inferIndex >= 0 && llvm::is_contained(*target, 0))
    return emitOpError("'shape' cannot contain both 0 and -1 with allowzero");
  std::optional<int64_t> total = input ? getNumElements(*input) : std::nullopt;
  if (total) {
    int64_t known = 1;
    bool allStatic = true;
    for (auto [i, dim] : llvm::enumerate(result)) {
      if ((int64_t)i == inferIndex)
        continue;
      if (dim == kDyn) {
        allStatic = false;
        continue;
      }
      known *= dim;
    }
    if (allStatic && inferIndex >= 0) {
      if (known == 0 || *total % known != 0)
        return emitOpError("cannot reshape ")
               << *total << " elements into the requested shape";
      result[inferIndex] = *total / known;
    } else if (allStatic && known != *total) {
      return emitOpError("cannot reshape ")
             << *total << " elements into " << known << " elements";
    }
  }
  inferred.push_back(RankedTensorType::get(result, elementType));
  return success();
}
