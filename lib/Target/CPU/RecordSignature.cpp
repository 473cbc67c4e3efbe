//===- RecordSignature.cpp - the --qopt-record-signature pass -------------===//

#include "QuantOpt/Target/CPU/Passes.h"
#include "QuantOpt/Target/CPU/Signature.h"

namespace quant_opt {
#define GEN_PASS_DEF_RECORDSIGNATURE
#include "QuantOpt/Target/CPU/Passes.h.inc"
} // namespace quant_opt

using namespace mlir;
using namespace quant_opt;

namespace {

struct RecordSignaturePass
    : quant_opt::impl::RecordSignatureBase<RecordSignaturePass> {
  using RecordSignatureBase::RecordSignatureBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto func = module.lookupSymbol<func::FuncOp>(entry);
    if (!func) {
      module.emitError() << "no entry function '@" << entry << "'";
      return signalPassFailure();
    }
    ModelSignature sig;
    sig.modelName = sanitizeCIdentifier(modelName);
    bool ok = true;
    auto describe = [&](StringRef kind, unsigned index, Type type,
                        DictionaryAttr attrs) -> TensorSignature {
      TensorSignature t;
      auto name = attrs ? attrs.getAs<StringAttr>("onnx.name") : StringAttr();
      t.name = name ? name.str() : (kind + "_" + Twine(index)).str();
      auto tensorType = dyn_cast<RankedTensorType>(type);
      if (!tensorType) {
        func.emitError() << kind << " '" << t.name << "' has type " << type
                         << ": the compiled-model ABI needs ranked tensors "
                            "(give the rank with --input-shape)";
        ok = false;
        return t;
      }
      t.dtype = getABITypeName(tensorType.getElementType()).str();
      if (t.dtype.empty()) {
        func.emitError() << kind << " '" << t.name << "': element type "
                         << tensorType.getElementType()
                         << " is not supported by the compiled-model ABI";
        ok = false;
      }
      // The importer keeps ONNX dim_params per input name.
      auto allParams =
          func->getAttrOfType<DictionaryAttr>("onnx.input_dim_params");
      auto params = allParams && name
                        ? allParams.getAs<ArrayAttr>(name.getValue())
                        : ArrayAttr();
      for (auto [i, d] : llvm::enumerate(tensorType.getShape())) {
        t.dims.push_back(ShapedType::isDynamic(d) ? -1 : d);
        StringAttr param;
        if (params && i < params.size())
          param = dyn_cast<StringAttr>(params[i]);
        t.symbols.push_back(ShapedType::isDynamic(d) && param ? param.str()
                                                             : std::string());
      }
      return t;
    };
    FunctionType type = func.getFunctionType();
    for (unsigned i = 0; i < type.getNumInputs(); ++i)
      sig.inputs.push_back(
          describe("input", i, type.getInput(i), func.getArgAttrDict(i)));
    for (unsigned i = 0; i < type.getNumResults(); ++i)
      sig.outputs.push_back(
          describe("output", i, type.getResult(i), func.getResultAttrDict(i)));
    if (!ok)
      return signalPassFailure();
    module->setAttr(kSignatureAttrName,
                    StringAttr::get(module.getContext(), sig.toText()));
  }
};

} // namespace
