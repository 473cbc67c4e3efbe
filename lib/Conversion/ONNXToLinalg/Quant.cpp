//===- Quant.cpp - QuantOps.td -> linalg (QuantizeLinear, QLinear*, MatMulNBits) ===//

#include "ConversionUtils.h"

using namespace mlir;
using namespace quant_opt;
using namespace quant_opt::lowering;

void quant_opt::populateONNXQuantToLinalgPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {}
