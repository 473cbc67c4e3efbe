//===- ElementwiseOps.td - elementwise onnx ops -------------*- tablegen -*-===//
//
// Unary and (multidirectionally) broadcasting binary / variadic ops,
// activations, comparisons, logic, Where, Cast.
//
// Ops whose inference is more than "same type" or "broadcast" declare it
// here and implement it in lib/Dialect/ONNX/ElementwiseOps.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_DIALECT_ONNX_ELEMENTWISEOPS_TD
#define QUANTOPT_DIALECT_ONNX_ELEMENTWISEOPS_TD

include "QuantOpt/Dialect/ONNX/ONNXBase.td"

//===----------------------------------------------------------------------===//
// Type constraints of this family
//===----------------------------------------------------------------------===//

/// Signed numbers (ONNX Neg, Relu, ...): floats and signless (signed) ints.
def ONNX_SignedNumericTensor
    : TensorOf<[F16, BF16, F32, F64, I8, I16, I32, I64]>;
/// Numbers and bool (ONNX Equal).
def ONNX_NumericOrBoolTensor
    : TensorOf<[I1, F16, BF16, F32, F64, I8, UI8, I16, UI16, I32, UI32, I64,
                UI64]>;
/// ONNX Pow's base: int32, int64 and floats.
def ONNX_PowBaseTensor : TensorOf<[I32, I64, F16, BF16, F32, F64]>;
/// Floats including the float8 types (ONNX IsNaN).
def ONNX_AnyFloatTensor : TensorOf<[F16, BF16, F32, F64, F8E4M3FN, F8E4M3FNUZ,
                                    F8E5M2, F8E5M2FNUZ]>;

/// Unsigned integers (ONNX BitShift).
def ONNX_UnsignedTensor : TensorOf<[UI8, UI16, UI32, UI64]>;
/// ONNX PRelu's types (opset 16): floats, 32/64-bit ints.
def ONNX_PReluTensor : TensorOf<[F16, BF16, F32, F64, I32, UI32, I64, UI64]>;

//===----------------------------------------------------------------------===//
// Op classes
//===----------------------------------------------------------------------===//

/// y = f(x), same shape and element type.
class ONNX_UnaryOp<string mnemonic, Type t, list<Trait> traits = []>
    : ONNX_Op<mnemonic, traits> {
  let arguments = (ins t:$X);
  let results = (outs ONNX_AnyTensor:$Y);
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
    : ONNX_Op<mnemonic,
              !listconcat(traits, [SameOperandsAndResultElementType])> {
  let arguments = (ins t:$A, t:$B);
  let results = (outs ONNX_AnyTensor:$C);
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

/// C = A cmp B with broadcasting; C is bool (i1).
class ONNX_CompareOp<string mnemonic, Type t, list<Trait> traits = []>
    : ONNX_Op<mnemonic, !listconcat(traits, [SameOperandsElementType])> {
  let arguments = (ins t:$A, t:$B);
  let results = (outs ONNX_AnyTensor:$C);
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferResultTypes(
        ::llvm::SmallVectorImpl<::mlir::Type> &inferred) {
      return ::quant_opt::onnx::inferBroadcastTypes(
          getOperation(), {getA(), getB()},
          ::mlir::IntegerType::get(getContext(), 1), inferred);
    }
  }];
}

/// result = f(data_0, data_1, ...) with broadcasting of all inputs (at least
/// one), same element type. Each def names its result; inference lives in
/// ElementwiseOps.cpp.
class ONNX_VariadicOp<string mnemonic, Type t, list<Trait> traits = []>
    : ONNX_Op<mnemonic,
              !listconcat(traits, [SameOperandsAndResultElementType])> {
  let arguments = (ins Variadic<t>:$data_0);
}

//===----------------------------------------------------------------------===//
// Arithmetic
//===----------------------------------------------------------------------===//

def ONNX_AddOp : ONNX_BinaryOp<"Add", ONNX_NumericTensor, [Commutative]> {
  let summary = "ONNX Add: elementwise A + B with broadcasting";
  let description = [{ ONNX Add (opset 14). Multidirectional broadcasting. }];
  let hasFolder = 1;
}

def ONNX_SubOp : ONNX_BinaryOp<"Sub", ONNX_NumericTensor> {
  let summary = "ONNX Sub: elementwise A - B with broadcasting";
  let description = [{ ONNX Sub (opset 14). Multidirectional broadcasting. }];
  let hasFolder = 1;
}

def ONNX_MulOp : ONNX_BinaryOp<"Mul", ONNX_NumericTensor, [Commutative]> {
  let summary = "ONNX Mul: elementwise A * B with broadcasting";
  let description = [{ ONNX Mul (opset 14). Multidirectional broadcasting. }];
  let hasFolder = 1;
}

def ONNX_DivOp : ONNX_BinaryOp<"Div", ONNX_NumericTensor> {
  let summary = "ONNX Div: elementwise A / B with broadcasting";
  let description = [{
    ONNX Div (opset 14). Multidirectional broadcasting; integer division
    truncates.
  }];
  let hasFolder = 1;
}

def ONNX_PowOp : ONNX_Op<"Pow"> {
  let summary = "ONNX Pow: elementwise X ^ Y with broadcasting";
  let description = [{
    ONNX Pow (opset 15). The exponent `Y` may have a different element type
    from the base `X`; the result has the base's element type.
  }];
  let arguments = (ins ONNX_PowBaseTensor:$X, ONNX_NumericTensor:$Y);
  let results = (outs ONNX_AnyTensor:$Z);
}

def ONNX_SqrtOp : ONNX_UnaryOp<"Sqrt", ONNX_FloatTensor> {
  let summary = "ONNX Sqrt: elementwise square root";
  let description = [{ ONNX Sqrt (opset 13). }];
}

def ONNX_ReciprocalOp : ONNX_UnaryOp<"Reciprocal", ONNX_FloatTensor> {
  let summary = "ONNX Reciprocal: elementwise 1 / X";
  let description = [{ ONNX Reciprocal (opset 13). }];
}

def ONNX_NegOp : ONNX_UnaryOp<"Neg", ONNX_SignedNumericTensor> {
  let summary = "ONNX Neg: elementwise -X";
  let description = [{ ONNX Neg (opset 13). Signed types only. }];
}

def ONNX_AbsOp : ONNX_UnaryOp<"Abs", ONNX_NumericTensor> {
  let summary = "ONNX Abs: elementwise |X|";
  let description = [{ ONNX Abs (opset 13). }];
}

def ONNX_SignOp : ONNX_UnaryOp<"Sign", ONNX_NumericTensor> {
  let summary = "ONNX Sign: elementwise -1, 0 or 1";
  let description = [{ ONNX Sign (opset 13). }];
}

def ONNX_ExpOp : ONNX_UnaryOp<"Exp", ONNX_FloatTensor> {
  let summary = "ONNX Exp: elementwise e^X";
  let description = [{ ONNX Exp (opset 13). }];
}

def ONNX_LogOp : ONNX_UnaryOp<"Log", ONNX_FloatTensor> {
  let summary = "ONNX Log: elementwise natural logarithm";
  let description = [{ ONNX Log (opset 13). }];
}

def ONNX_TanhOp : ONNX_UnaryOp<"Tanh", ONNX_FloatTensor> {
  let summary = "ONNX Tanh: elementwise hyperbolic tangent";
  let description = [{ ONNX Tanh (opset 13). }];
}

def ONNX_SinOp : ONNX_UnaryOp<"Sin", ONNX_FloatTensor> {
  let summary = "ONNX Sin: elementwise sine";
  let description = [{ ONNX Sin (opset 7). }];
}

def ONNX_CosOp : ONNX_UnaryOp<"Cos", ONNX_FloatTensor> {
  let summary = "ONNX Cos: elementwise cosine";
  let description = [{ ONNX Cos (opset 7). }];
}

def ONNX_ErfOp : ONNX_UnaryOp<"Erf", ONNX_NumericTensor> {
  let summary = "ONNX Erf: elementwise error function";
  let description = [{ ONNX Erf (opset 13). }];
}

def ONNX_FloorOp : ONNX_UnaryOp<"Floor", ONNX_FloatTensor> {
  let summary = "ONNX Floor: elementwise round down";
  let description = [{ ONNX Floor (opset 13). }];
}

def ONNX_CeilOp : ONNX_UnaryOp<"Ceil", ONNX_FloatTensor> {
  let summary = "ONNX Ceil: elementwise round up";
  let description = [{ ONNX Ceil (opset 13). }];
}

def ONNX_RoundOp : ONNX_UnaryOp<"Round", ONNX_FloatTensor> {
  let summary = "ONNX Round: elementwise round half to even";
  let description = [{ ONNX Round (opset 11). }];
}

def ONNX_TanOp : ONNX_UnaryOp<"Tan", ONNX_FloatTensor> {
  let summary = "ONNX Tan: elementwise tangent";
  let description = [{ ONNX Tan (opset 7). }];
}

def ONNX_AsinOp : ONNX_UnaryOp<"Asin", ONNX_FloatTensor> {
  let summary = "ONNX Asin: elementwise arcsine";
  let description = [{ ONNX Asin (opset 7). }];
}

def ONNX_AcosOp : ONNX_UnaryOp<"Acos", ONNX_FloatTensor> {
  let summary = "ONNX Acos: elementwise arccosine";
  let description = [{ ONNX Acos (opset 7). }];
}

def ONNX_AtanOp : ONNX_UnaryOp<"Atan", ONNX_FloatTensor> {
  let summary = "ONNX Atan: elementwise arctangent";
  let description = [{ ONNX Atan (opset 7). }];
}

def ONNX_SinhOp : ONNX_UnaryOp<"Sinh", ONNX_FloatTensor> {
  let summary = "ONNX Sinh: elementwise hyperbolic sine";
  let description = [{ ONNX Sinh (opset 9). }];
}

def ONNX_CoshOp : ONNX_UnaryOp<"Cosh", ONNX_FloatTensor> {
  let summary = "ONNX Cosh: elementwise hyperbolic cosine";
  let description = [{ ONNX Cosh (opset 9). }];
}

def ONNX_AsinhOp : ONNX_UnaryOp<"Asinh", ONNX_FloatTensor> {
  let summary = "ONNX Asinh: elementwise inverse hyperbolic sine";
  let description = [{ ONNX Asinh (opset 9). }];
}

def ONNX_AcoshOp : ONNX_UnaryOp<"Acosh", ONNX_FloatTensor> {
  let summary = "ONNX Acosh: elementwise inverse hyperbolic cosine";
  let description = [{ ONNX Acosh (opset 9). }];
}

def ONNX_AtanhOp : ONNX_UnaryOp<"Atanh", ONNX_FloatTensor> {
  let summary = "ONNX Atanh: elementwise inverse hyperbolic tangent";
  let description = [{ ONNX Atanh (opset 9). }];
}

def ONNX_ModOp : ONNX_Op<"Mod", [SameOperandsAndResultElementType]> {
  let summary = "ONNX Mod: elementwise remainder with broadcasting";
  let description = [{
    ONNX Mod (opset 13). Multidirectional broadcasting. `fmod` = 0 takes
    the sign of the divisor (integers only), `fmod` = 1 the sign of the
    dividend (C fmod); float inputs require `fmod` = 1.
  }];
  let arguments = (ins ONNX_NumericTensor:$A, ONNX_NumericTensor:$B,
                       DefaultValuedAttr<I64Attr, "0">:$fmod);
  let results = (outs ONNX_AnyTensor:$C);
}

def ONNX_BitShiftOp : ONNX_Op<"BitShift", [SameOperandsAndResultElementType]> {
  let summary = "ONNX BitShift: elementwise shift with broadcasting";
  let description = [{
    ONNX BitShift (opset 11). Unsigned integers; `direction` is "LEFT" or
    "RIGHT" (required). Multidirectional broadcasting.
  }];
  let arguments = (ins ONNX_UnsignedTensor:$X, ONNX_UnsignedTensor:$Y,
                       StrAttr:$direction);
  let results = (outs ONNX_AnyTensor:$Z);
}

//===----------------------------------------------------------------------===//
// Variadic
//===----------------------------------------------------------------------===//

def ONNX_MaxOp : ONNX_VariadicOp<"Max", ONNX_NumericTensor> {
  let summary = "ONNX Max: elementwise maximum of the inputs";
  let description = [{
    ONNX Max (opset 13). One or more inputs, multidirectional broadcasting.
  }];
  let results = (outs ONNX_AnyTensor:$max);
}

def ONNX_MinOp : ONNX_VariadicOp<"Min", ONNX_NumericTensor> {
  let summary = "ONNX Min: elementwise minimum of the inputs";
  let description = [{
    ONNX Min (opset 13). One or more inputs, multidirectional broadcasting.
  }];
  let results = (outs ONNX_AnyTensor:$min);
}

def ONNX_SumOp : ONNX_VariadicOp<"Sum", ONNX_FloatTensor> {
  let summary = "ONNX Sum: elementwise sum of the inputs";
  let description = [{
    ONNX Sum (opset 13). One or more inputs, multidirectional broadcasting.
  }];
  let results = (outs ONNX_AnyTensor:$sum);
}

def ONNX_MeanOp : ONNX_VariadicOp<"Mean", ONNX_FloatTensor> {
  let summary = "ONNX Mean: elementwise mean of the inputs";
  let description = [{
    ONNX Mean (opset 13). One or more inputs, multidirectional broadcasting.
  }];
  let results = (outs ONNX_AnyTensor:$mean);
}

//===----------------------------------------------------------------------===//
// Activations
//===----------------------------------------------------------------------===//

def ONNX_ReluOp : ONNX_UnaryOp<"Relu", ONNX_SignedNumericTensor> {
  let summary = "ONNX Relu: max(X, 0)";
  let description = [{ ONNX Relu (opset 14). Signed types only. }];
}

def ONNX_SigmoidOp : ONNX_UnaryOp<"Sigmoid", ONNX_FloatTensor> {
  let summary = "ONNX Sigmoid: 1 / (1 + exp(-X))";
  let description = [{ ONNX Sigmoid (opset 13). }];
}

def ONNX_LeakyReluOp : ONNX_UnaryOp<"LeakyRelu", ONNX_FloatTensor> {
  let summary = "ONNX LeakyRelu: X < 0 ? alpha * X : X";
  let description = [{ ONNX LeakyRelu (opset 16). }];
  let arguments = (ins ONNX_FloatTensor:$X,
                       DefaultValuedAttr<F32Attr, "0.01">:$alpha);
}

def ONNX_HardSigmoidOp : ONNX_UnaryOp<"HardSigmoid", ONNX_FloatTensor> {
  let summary = "ONNX HardSigmoid: max(0, min(1, alpha * X + beta))";
  let description = [{ ONNX HardSigmoid (opset 6). }];
  let arguments = (ins ONNX_FloatTensor:$X,
                       DefaultValuedAttr<F32Attr, "0.2">:$alpha,
                       DefaultValuedAttr<F32Attr, "0.5">:$beta);
}

def ONNX_HardSwishOp : ONNX_UnaryOp<"HardSwish", ONNX_FloatTensor> {
  let summary = "ONNX HardSwish: X * max(0, min(1, X / 6 + 1 / 2))";
  let description = [{ ONNX HardSwish (opset 14). No attributes. }];
}

def ONNX_SoftplusOp : ONNX_UnaryOp<"Softplus", ONNX_FloatTensor> {
  let summary = "ONNX Softplus: ln(exp(X) + 1)";
  let description = [{ ONNX Softplus (opset 1). }];
}

def ONNX_EluOp : ONNX_UnaryOp<"Elu", ONNX_FloatTensor> {
  let summary = "ONNX Elu: X < 0 ? alpha * (exp(X) - 1) : X";
  let description = [{ ONNX Elu (opset 6). }];
  let arguments = (ins ONNX_FloatTensor:$X,
                       DefaultValuedAttr<F32Attr, "1.0">:$alpha);
}

def ONNX_SeluOp : ONNX_UnaryOp<"Selu", ONNX_FloatTensor> {
  let summary = "ONNX Selu: gamma * (X <= 0 ? alpha * (exp(X) - 1) : X)";
  let description = [{ ONNX Selu (opset 6). }];
  let arguments = (ins ONNX_FloatTensor:$X,
      DefaultValuedAttr<F32Attr, "1.67326319217681884765625">:$alpha,
      DefaultValuedAttr<F32Attr, "1.05070102214813232421875">:$gamma);
}

def ONNX_ThresholdedReluOp : ONNX_UnaryOp<"ThresholdedRelu", ONNX_FloatTensor> {
  let summary = "ONNX ThresholdedRelu: X > alpha ? X : 0";
  let description = [{ ONNX ThresholdedRelu (opset 10). }];
  let arguments = (ins ONNX_FloatTensor:$X,
                       DefaultValuedAttr<F32Attr, "1.0">:$alpha);
}

def ONNX_CeluOp : ONNX_UnaryOp<"Celu", TensorOf<[F32]>> {
  let summary = "ONNX Celu: max(0, X) + min(0, alpha * (exp(X / alpha) - 1))";
  let description = [{ ONNX Celu (opset 12). f32 only. }];
  let arguments = (ins TensorOf<[F32]>:$X,
                       DefaultValuedAttr<F32Attr, "1.0">:$alpha);
}

def ONNX_ShrinkOp : ONNX_UnaryOp<"Shrink", ONNX_NumericTensor> {
  let summary = "ONNX Shrink: X < -lambd ? X + bias : X > lambd ? X - bias : 0";
  let description = [{ ONNX Shrink (opset 9). }];
  let arguments = (ins ONNX_NumericTensor:$input,
                       DefaultValuedAttr<F32Attr, "0.0">:$bias,
                       DefaultValuedAttr<F32Attr, "0.5">:$lambd);
  let results = (outs ONNX_AnyTensor:$output);
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferResultTypes(
        ::llvm::SmallVectorImpl<::mlir::Type> &inferred) {
      inferred.push_back(getInput().getType());
      return ::mlir::success();
    }
  }];
}

def ONNX_SoftsignOp : ONNX_UnaryOp<"Softsign", ONNX_FloatTensor> {
  let summary = "ONNX Softsign: X / (1 + |X|)";
  let description = [{ ONNX Softsign (opset 1). }];
}

def ONNX_PReluOp : ONNX_Op<"PRelu", [AllElementTypesMatch<["X", "slope"]>]> {
  let summary = "ONNX PRelu: X < 0 ? slope * X : X";
  let description = [{
    ONNX PRelu (opset 16). `slope` broadcasts unidirectionally to `X`; the
    result has X's shape (a dynamic X dimension takes slope's static one).
  }];
  let arguments = (ins ONNX_PReluTensor:$X, ONNX_PReluTensor:$slope);
  let results = (outs ONNX_AnyTensor:$Y);
}

def ONNX_GeluOp : ONNX_Op<"Gelu"> {
  let summary = "ONNX Gelu: Gaussian error linear unit";
  let description = [{
    ONNX Gelu (opset 20). `approximate` is "none" (erf form) or "tanh".
  }];
  let arguments = (ins ONNX_FloatTensor:$X,
                       DefaultValuedStrAttr<StrAttr, "none">:$approximate);
  let results = (outs ONNX_AnyTensor:$Y);
}

def ONNX_ClipOp : ONNX_Op<"Clip"> {
  let summary = "ONNX Clip: clamp the input to [min, max]";
  let description = [{
    ONNX Clip (opset 13). `min` and `max` are optional scalar inputs (a
    `none` from onnx.NoValue when absent) of the input's element type. The
    importer converts the opset 9-10 `min` / `max` float attributes into
    constant inputs.
  }];
  let arguments = (ins ONNX_NumericTensor:$input,
                       ONNX_Optional<ONNX_NumericTensor>:$min,
                       ONNX_Optional<ONNX_NumericTensor>:$max);
  let results = (outs ONNX_AnyTensor:$output);
}

//===----------------------------------------------------------------------===//
// Comparisons and logic
//===----------------------------------------------------------------------===//

def ONNX_EqualOp : ONNX_CompareOp<"Equal", ONNX_NumericOrBoolTensor,
                                  [Commutative]> {
  let summary = "ONNX Equal: elementwise A == B (bool result)";
  let description = [{ ONNX Equal (opset 19; strings are not supported). }];
}

def ONNX_LessOp : ONNX_CompareOp<"Less", ONNX_NumericTensor> {
  let summary = "ONNX Less: elementwise A < B (bool result)";
  let description = [{ ONNX Less (opset 13). }];
}

def ONNX_LessOrEqualOp : ONNX_CompareOp<"LessOrEqual", ONNX_NumericTensor> {
  let summary = "ONNX LessOrEqual: elementwise A <= B (bool result)";
  let description = [{ ONNX LessOrEqual (opset 16). }];
}

def ONNX_GreaterOp : ONNX_CompareOp<"Greater", ONNX_NumericTensor> {
  let summary = "ONNX Greater: elementwise A > B (bool result)";
  let description = [{ ONNX Greater (opset 13). }];
}

def ONNX_GreaterOrEqualOp
    : ONNX_CompareOp<"GreaterOrEqual", ONNX_NumericTensor> {
  let summary = "ONNX GreaterOrEqual: elementwise A >= B (bool result)";
  let description = [{ ONNX GreaterOrEqual (opset 16). }];
}

def ONNX_IsNaNOp : ONNX_Op<"IsNaN"> {
  let summary = "ONNX IsNaN: elementwise X != X (bool result)";
  let description = [{ ONNX IsNaN (opset 20). }];
  let arguments = (ins ONNX_AnyFloatTensor:$X);
  let results = (outs ONNX_AnyTensor:$Y);
}

def ONNX_IsInfOp : ONNX_Op<"IsInf"> {
  let summary = "ONNX IsInf: elementwise infinity test (bool result)";
  let description = [{
    ONNX IsInf (opset 20). `detect_negative` / `detect_positive` (0 or 1,
    default 1) select which infinities map to true.
  }];
  let arguments = (ins ONNX_AnyFloatTensor:$X,
                       DefaultValuedAttr<I64Attr, "1">:$detect_negative,
                       DefaultValuedAttr<I64Attr, "1">:$detect_positive);
  let results = (outs ONNX_AnyTensor:$Y);
}

def ONNX_NotOp : ONNX_UnaryOp<"Not", ONNX_BoolTensor> {
  let summary = "ONNX Not: elementwise logical negation";
  let description = [{ ONNX Not (opset 1). }];
}

def ONNX_AndOp : ONNX_BinaryOp<"And", ONNX_BoolTensor, [Commutative]> {
  let summary = "ONNX And: elementwise logical and with broadcasting";
  let description = [{ ONNX And (opset 7). }];
}

def ONNX_OrOp : ONNX_BinaryOp<"Or", ONNX_BoolTensor, [Commutative]> {
  let summary = "ONNX Or: elementwise logical or with broadcasting";
  let description = [{ ONNX Or (opset 7). }];
}

def ONNX_XorOp : ONNX_BinaryOp<"Xor", ONNX_BoolTensor, [Commutative]> {
  let summary = "ONNX Xor: elementwise logical xor with broadcasting";
  let description = [{ ONNX Xor (opset 7). }];
}

//===----------------------------------------------------------------------===//
// Selection and conversion
//===----------------------------------------------------------------------===//

def ONNX_WhereOp : ONNX_Op<"Where", [AllElementTypesMatch<["X", "Y"]>]> {
  let summary = "ONNX Where: condition ? X : Y with broadcasting";
  let description = [{
    ONNX Where (opset 16). `condition`, `X` and `Y` broadcast together
    (multidirectionally); the result has the element type of `X` and `Y`.
  }];
  let arguments = (ins ONNX_BoolTensor:$condition, ONNX_AnyTensor:$X,
                       ONNX_AnyTensor:$Y);
  let results = (outs ONNX_AnyTensor:$output);
}

def ONNX_CastOp : ONNX_Op<"Cast"> {
  let summary = "ONNX Cast: convert the element type";
  let description = [{
    ONNX Cast (opset 21). `to` is an ONNX TensorProto.DataType code (1 =
    FLOAT, 7 = INT64, 9 = BOOL, 16 = BFLOAT16, 17-20 = float8, 21/22 =
    UINT4/INT4, ...); STRING and complex types are not supported. `saturate`
    (opset 19, default 1) only matters for float8 targets.
  }];
  let arguments = (ins ONNX_AnyTensor:$input, I64Attr:$to,
                       DefaultValuedAttr<I64Attr, "1">:$saturate);
  let results = (outs ONNX_AnyTensor:$output);
  let hasFolder = 1;
}


def ONNX_CastLikeOp : ONNX_Op<"CastLike"> {
  let summary = "ONNX CastLike: convert to the element type of another tensor";
  let description = [{
    ONNX CastLike (opset 21). The result has the shape of `input` and the
    element type of `target_type` (whose values are not read). `saturate`
    (opset 19, default 1) only matters for float8 targets.
  }];
  let arguments = (ins ONNX_AnyTensor:$input, ONNX_AnyTensor:$target_type,
                       DefaultValuedAttr<I64Attr, "1">:$saturate);
  let results = (outs ONNX_AnyTensor:$output);
}

#endif // QUANTOPT_DIALECT_ONNX_ELEMENTWISEOPS_TD
