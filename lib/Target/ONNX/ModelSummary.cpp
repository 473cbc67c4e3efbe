//===- ModelSummary.cpp - human-readable model summary --------------------===//

#include "QuantOpt/Target/ONNX/ModelSummary.h"
#include "QuantOpt/Dialect/ONNX/ONNXOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/Support/Format.h"

using namespace mlir;

namespace quant_opt {

static std::string typeToString(Type type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << type;
  return text;
}

static StringRef nameOf(DictionaryAttr attrs, StringRef fallback) {
  if (attrs)
    if (auto name = attrs.getAs<StringAttr>("onnx.name"))
      return name.getValue();
  return fallback;
}

void printModelSummary(ModuleOp module, llvm::raw_ostream &os) {
  if (auto producer = module->getAttrOfType<StringAttr>("onnx.producer"))
    os << "producer: " << producer.getValue() << "\n";
  if (auto opsets =
          module->getAttrOfType<DictionaryAttr>("onnx.opset_import")) {
    os << "opsets:";
    for (NamedAttribute entry : opsets)
      if (auto version = dyn_cast<IntegerAttr>(entry.getValue()))
        os << " " << entry.getName().getValue() << "=" << version.getInt();
    os << "\n";
  }
  for (auto func : module.getOps<func::FuncOp>()) {
    os << "graph @" << func.getSymName() << "\n";
    os << "  inputs:\n";
    for (auto [i, type] : llvm::enumerate(func.getArgumentTypes()))
      os << "    " << nameOf(func.getArgAttrDict(i), "?") << " : "
         << typeToString(type) << "\n";
    os << "  outputs:\n";
    for (auto [i, type] : llvm::enumerate(func.getResultTypes()))
      os << "    " << nameOf(func.getResultAttrDict(i), "?") << " : "
         << typeToString(type) << "\n";

    llvm::MapVector<StringRef, int64_t> counts;
    int64_t numConstants = 0, numParams = 0, paramBytes = 0, numOps = 0;
    func.walk([&](Operation *op) {
      if (isa<func::FuncOp, func::ReturnOp, onnx::NoValueOp>(op))
        return;
      ++numOps;
      ++counts[op->getName().getStringRef()];
      if (auto constant = dyn_cast<onnx::ConstantOp>(op)) {
        ++numConstants;
        ElementsAttr value = constant.getValue();
        int64_t n = value.getNumElements();
        numParams += n;
        unsigned bits = value.getElementType().getIntOrFloatBitWidth();
        paramBytes += (n * bits + 7) / 8;
      }
    });
    SmallVector<std::pair<StringRef, int64_t>> sorted(counts.begin(),
                                                      counts.end());
    llvm::stable_sort(sorted, [](const auto &a, const auto &b) {
      return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    os << "  ops: " << numOps << "\n";
    for (auto &[name, count] : sorted)
      os << "    " << llvm::left_justify(name, 28)
         << llvm::format("%8lld", count) << "\n";
    os << "  constants: " << numConstants << " tensors, " << numParams
       << " elements, " << paramBytes << " bytes\n";
  }
}

} // namespace quant_opt
