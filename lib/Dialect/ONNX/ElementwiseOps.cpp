//===- ElementwiseOps.cpp - type inference and verifiers ----------------------===//

#include "QuantOpt/Dialect/ONNX/ONNXOps.h"

using namespace mlir;
using namespace quant_opt::onnx;
