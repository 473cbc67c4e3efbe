//===- Reduction.cpp - ReductionOps.td -> linalg (reductions, softmax, normalizations) ===//

#include "ConversionUtils.h"

using namespace mlir;
using namespace quant_opt;
using namespace quant_opt::lowering;

void quant_opt::populateONNXReductionToLinalgPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {}
