//===- ContractionUtils.h - helpers of the qopt contractions ----*- C++ -*-===//
//
// Shared by Contraction.cpp (qmatmul, qconv) and WeightMatMul.cpp. Private
// to this directory. The contraction builders themselves (getConstantBytes,
// collapseToRows, expandRows, buildInt8Contraction, columnSums) live in
// ONNXToLinalg/QuantUtils.h, shared with the ONNX MatMulInteger /
// QLinearMatMul lowerings.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_LIB_CONVERSION_QOPTTOLINALG_CONTRACTIONUTILS_H
#define QUANTOPT_LIB_CONVERSION_QOPTTOLINALG_CONTRACTIONUTILS_H

#include "ONNXToLinalg/NNBuilders.h"
#include "ONNXToLinalg/QuantUtils.h"


#endif // QUANTOPT_LIB_CONVERSION_QOPTTOLINALG_CONTRACTIONUTILS_H
