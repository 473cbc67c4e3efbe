//===- ONNXBase.td - onnx dialect, base classes, types ------*- tablegen -*-===//
//
// The `onnx` dialect mirrors the ONNX operator set one op per ONNX op type.
// Ops always carry the semantics of the newest opset we support: the importer
// rewrites older forms (attributes that later became inputs, Upsample, ...)
// into this one canonical form, so passes never look at opset versions.
//
// Conventions every op follows:
//  * operands are listed in ONNX input order; a missing optional input is a
//    value of type `none` produced by `onnx.NoValue`;
//  * attributes keep their ONNX names and defaults;
//  * every op implements `InferTypesOpInterface`; its verifier checks that the
//    declared result types are compatible with the inferred ones.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_DIALECT_ONNX_ONNXBASE_TD
#define QUANTOPT_DIALECT_ONNX_ONNXBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "QuantOpt/Dialect/ONNX/ONNXInterfaces.td"

def ONNX_Dialect : Dialect {
  let name = "onnx";
  let summary = "ONNX operators as imported from .onnx models";
  let cppNamespace = "::quant_opt::onnx";
  let hasConstantMaterializer = 1;
  let dependentDialects = ["::mlir::func::FuncDialect"];
}

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

def ONNX_FloatElt : AnyTypeOf<[F16, BF16, F32, F64]>;
def ONNX_IntElt : AnyTypeOf<[I8, UI8, I16, UI16, I32, UI32, I64, UI64]>;
def ONNX_NumericElt : AnyTypeOf<[F16, BF16, F32, F64, I8, UI8, I16, UI16, I32,
                                 UI32, I64, UI64]>;
def ONNX_QuantElt : AnyTypeOf<[I8, UI8, I16, UI16, I<4>, UI<4>, I32,
                               F8E4M3FN, F8E4M3FNUZ, F8E5M2, F8E5M2FNUZ]>;

def ONNX_AnyTensor : TensorOf<[AnyType]>;
def ONNX_FloatTensor : TensorOf<[F16, BF16, F32, F64]>;
def ONNX_IntTensor : TensorOf<[I8, UI8, I16, UI16, I32, UI32, I64, UI64]>;
def ONNX_NumericTensor : TensorOf<[F16, BF16, F32, F64, I8, UI8, I16, UI16,
                                   I32, UI32, I64, UI64]>;
def ONNX_BoolTensor : TensorOf<[I1]>;
def ONNX_I64Tensor : TensorOf<[I64]>;
def ONNX_IndexTensor : TensorOf<[I32, I64]>;
def ONNX_QuantTensor : TensorOf<[I8, UI8, I16, UI16, I<4>, UI<4>, I32,
                                 F8E4M3FN, F8E4M3FNUZ, F8E5M2, F8E5M2FNUZ]>;

/// An optional input: a tensor, or `none` from onnx.NoValue.
class ONNX_Optional<Type t> : AnyTypeOf<[t, NoneType]>;

//===----------------------------------------------------------------------===//
// Base op
//===----------------------------------------------------------------------===//

/// Results are declared `ONNX_AnyTensor`: their type is the inferred one, and
/// no ODS predicate trait may name a result (the importer checks ODS
/// constraints before result types are known).
class ONNX_Op<string mnemonic, list<Trait> traits = []>
    : Op<ONNX_Dialect, mnemonic,
         !listconcat(traits, [Pure,
             DeclareOpInterfaceMethods<ONNX_InferTypesOpInterface>])> {
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

#endif // QUANTOPT_DIALECT_ONNX_ONNXBASE_TD
