//===- PrintModule.cpp - print imported modules without reading weights ---===//

#include "QuantOpt/Target/ONNX/PrintModule.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Endian.h"

using namespace mlir;

namespace quant_opt {

/// Length of the string MLIR prints for a blob: "0x", the alignment as 8
/// hex digits, two digits per byte, in double quotes.
static uint64_t printedBlobLength(const AsmResourceBlob &blob) {
  return 2 + 2 + 8 + 2 * uint64_t(blob.getData().size());
}

void printModule(ModuleOp module, llvm::raw_ostream &os,
                 OpPrintingFlags flags) {
  std::optional<uint64_t> limit = flags.getLargeResourceStringLimit();
  if (!limit || *limit == 0) {
    module->print(os, flags);
    return;
  }

  // Builtin blobs in order of first use, as the printer numbers them.
  llvm::MapVector<StringRef, const AsmResourceBlob *> blobs;
  module->walk([&](Operation *op) {
    for (NamedAttribute attr : op->getAttrs())
      attr.getValue().walk([&](DenseResourceElementsAttr resource) {
        DenseResourceElementsHandle handle = resource.getRawHandle();
        if (const AsmResourceBlob *blob = handle.getBlob())
          blobs.insert({handle.getKey(), blob});
      });
  });
  bool anyElided = llvm::any_of(blobs, [&](const auto &entry) {
    return printedBlobLength(*entry.second) > *limit;
  });
  if (!anyElided) {
    module->print(os, flags);
    return;
  }

  // A limit of 0 makes the printer skip every resource without rendering
  // it (it still opens and closes an empty `{-# #-}` section, as it does
  // when it elides every blob); the small blobs are then printed in that
  // section in the printer's format.
  flags.elideLargeResourceString(0);
  std::string text;
  llvm::raw_string_ostream textStream(text);
  module->print(textStream, flags);
  constexpr llvm::StringLiteral emptySection = "\n\n{-#\n\n#-}\n";
  std::string section;
  for (auto [key, blob] : blobs) {
    if (printedBlobLength(*blob) > *limit)
      continue;
    section +=
        section.empty() ? "  dialect_resources: {\n    builtin: {\n" : ",\n";
    uint32_t alignment = llvm::support::endian::byte_swap<uint32_t>(
        blob->getDataAlignment(), llvm::endianness::little);
    ArrayRef<char> data = blob->getData();
    section += ("      " + key + ": \"0x").str();
    section += llvm::toHex(StringRef(reinterpret_cast<const char *>(&alignment),
                                     sizeof(alignment)));
    section += llvm::toHex(StringRef(data.data(), data.size()));
    section += "\"";
  }
  StringRef printed(text);
  if (section.empty() || !printed.ends_with(emptySection)) {
    os << printed;
    return;
  }
  os << printed.drop_back(emptySection.size()) << "\n\n{-#\n"
     << section << "\n    }\n  }\n#-}\n";
}

} // namespace quant_opt
