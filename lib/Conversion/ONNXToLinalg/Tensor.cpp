//===- Tensor.cpp - TensorOps.td -> tensor / linalg (data movement, shapes) ===//

#include "ConversionUtils.h"

using namespace mlir;
using namespace quant_opt;
using namespace quant_opt::lowering;

void quant_opt::populateONNXTensorToLinalgPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {}
