//===- ElementwiseOps.td - elementwise onnx ops -------------*- tablegen -*-===//
//
// Unary and (multidirectionally) broadcasting binary / variadic ops,
// activations, comparisons, logic, Where, Cast.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_DIALECT_ONNX_ELEMENTWISEOPS_TD
#define QUANTOPT_DIALECT_ONNX_ELEMENTWISEOPS_TD

include "QuantOpt/Dialect/ONNX/ONNXBase.td"

/// y = f(x), same shape and element type.
class ONNX_UnaryOp<string mnemonic, Type t, list<Trait> traits = []>
    : ONNX_Op<mnemonic, traits> {
  let arguments = (ins t:$X);
  let results = (outs t:$Y);
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferResultTypes(
        ::llvm::SmallVectorImpl<::mlir::Type> &inferred) {
      inferred.push_back(getX().getType());
      return ::mlir::success();
    }
  }];
}

/// C = A op B with ONNX multidirectional broadcasting, same element type.
class ONNX_BinaryOp<string mnemonic, Type t, list<Trait> traits = []>
    : ONNX_Op<mnemonic, traits> {
  let arguments = (ins t:$A, t:$B);
  let results = (outs t:$C);
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferResultTypes(
        ::llvm::SmallVectorImpl<::mlir::Type> &inferred) {
      return ::quant_opt::onnx::inferBroadcastTypes(
          getOperation(), {getA(), getB()},
          ::mlir::cast<::mlir::ShapedType>(getA().getType()).getElementType(),
          inferred);
    }
  }];
}

def ONNX_AddOp : ONNX_BinaryOp<"Add", ONNX_NumericTensor, [Commutative]> {
  let summary = "ONNX Add: elementwise A + B with broadcasting";
}

def ONNX_ReluOp : ONNX_UnaryOp<"Relu", ONNX_NumericTensor> {
  let summary = "ONNX Relu: max(X, 0)";
}

#endif // QUANTOPT_DIALECT_ONNX_ELEMENTWISEOPS_TD
