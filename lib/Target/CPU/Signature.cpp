//===- Signature.cpp - the compiled-model ABI signature -------------------===//

#include "QuantOpt/Target/CPU/Signature.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace quant_opt;

namespace {

bool isPlainNameChar(char c) {
  return llvm::isAlnum(c) || c == '_' || c == '.' || c == ':' || c == '/' ||
         c == '-';
}

std::string encodeName(StringRef name) {
  std::string out;
  for (char c : name) {
    if (isPlainNameChar(c)) {
      out += c;
      continue;
    }
    out += '%';
    out += llvm::hexdigit((static_cast<unsigned char>(c) >> 4) & 0xf);
    out += llvm::hexdigit(static_cast<unsigned char>(c) & 0xf);
  }
  if (out.empty())
    out = "%00"; // never produced for real names; keeps fields non-empty
  return out;
}

bool decodeName(StringRef text, std::string &out) {
  out.clear();
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    unsigned value;
    if (i + 2 >= text.size() || text.substr(i + 1, 2).getAsInteger(16, value))
      return false;
    if (value)
      out += static_cast<char>(value);
    i += 2;
  }
  return true;
}

struct TypeInfo {
  const char *name;
  const char *cType;
  int64_t size;
};

const TypeInfo kTypes[] = {
    {"float", "float", 4},        {"double", "double", 8},
    {"float16", "uint16_t", 2},   {"bfloat16", "uint16_t", 2},
    {"int8", "int8_t", 1},        {"uint8", "uint8_t", 1},
    {"int16", "int16_t", 2},      {"uint16", "uint16_t", 2},
    {"int32", "int32_t", 4},      {"uint32", "uint32_t", 4},
    {"int64", "int64_t", 8},      {"uint64", "uint64_t", 8},
    {"bool", "uint8_t", 1},
};

const TypeInfo *lookup(StringRef dtype) {
  for (const TypeInfo &info : kTypes)
    if (dtype == info.name)
      return &info;
  return nullptr;
}

} // namespace

StringRef quant_opt::getABITypeName(Type type) {
  if (type.isF32())
    return "float";
  if (type.isF64())
    return "double";
  if (type.isF16())
    return "float16";
  if (type.isBF16())
    return "bfloat16";
  if (type.isInteger(1))
    return "bool";
  auto intType = dyn_cast<IntegerType>(type);
  if (!intType)
    return "";
  bool isUnsigned = intType.isUnsigned();
  switch (intType.getWidth()) {
  case 8:
    return isUnsigned ? "uint8" : "int8";
  case 16:
    return isUnsigned ? "uint16" : "int16";
  case 32:
    return isUnsigned ? "uint32" : "int32";
  case 64:
    return isUnsigned ? "uint64" : "int64";
  default:
    return "";
  }
}

int64_t quant_opt::getABITypeSize(StringRef dtype) {
  const TypeInfo *info = lookup(dtype);
  return info ? info->size : 0;
}

StringRef quant_opt::getABICType(StringRef dtype) {
  const TypeInfo *info = lookup(dtype);
  return info ? info->cType : "";
}

std::string ModelSignature::toText() const {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "qopt-model 1\nname " << modelName << "\n";
  auto print = [&](StringRef kind, ArrayRef<TensorSignature> tensors) {
    for (auto [i, t] : llvm::enumerate(tensors)) {
      os << kind << " " << i << " " << encodeName(t.name) << " " << t.dtype
         << " " << t.dims.size();
      for (auto [i, d] : llvm::enumerate(t.dims)) {
        if (d >= 0)
          os << " " << d;
        else if (i < t.symbols.size() && !t.symbols[i].empty())
          os << " ?" << encodeName(t.symbols[i]);
        else
          os << " ?";
      }
      os << "\n";
    }
  };
  print("input", inputs);
  print("output", outputs);
  return text;
}

FailureOr<ModelSignature> ModelSignature::parse(StringRef text,
                                                std::string &error) {
  ModelSignature sig;
  SmallVector<StringRef> lines;
  text.split(lines, '\n', -1, /*KeepEmpty=*/false);
  if (lines.size() < 2 || lines[0] != "qopt-model 1" ||
      !lines[1].starts_with("name ")) {
    error = "not a version-1 qopt-model signature";
    return failure();
  }
  sig.modelName = lines[1].drop_front(5).str();
  for (StringRef line : llvm::drop_begin(lines, 2)) {
    SmallVector<StringRef> fields;
    line.split(fields, ' ', -1, /*KeepEmpty=*/false);
    int64_t index, rank;
    if (fields.size() < 5 || (fields[0] != "input" && fields[0] != "output") ||
        fields[1].getAsInteger(10, index) ||
        fields[4].getAsInteger(10, rank) || rank < 0 ||
        static_cast<int64_t>(fields.size()) != 5 + rank ||
        !lookup(fields[3])) {
      error = ("malformed signature line '" + line + "'").str();
      return failure();
    }
    TensorSignature t;
    if (!decodeName(fields[2], t.name)) {
      error = ("malformed name in '" + line + "'").str();
      return failure();
    }
    t.dtype = fields[3].str();
    for (StringRef d : llvm::drop_begin(fields, 5)) {
      int64_t size;
      std::string symbol;
      if (d.starts_with("?")) {
        size = -1;
        if (d.size() > 1 && !decodeName(d.drop_front(), symbol)) {
          error = ("malformed dimension symbol in '" + line + "'").str();
          return failure();
        }
      } else if (d.getAsInteger(10, size) || size < 0) {
        error = ("malformed dimension in '" + line + "'").str();
        return failure();
      }
      t.dims.push_back(size);
      t.symbols.push_back(symbol);
    }
    auto &list = fields[0] == "input" ? sig.inputs : sig.outputs;
    if (index != static_cast<int64_t>(list.size())) {
      error = ("out-of-order index in '" + line + "'").str();
      return failure();
    }
    list.push_back(std::move(t));
  }
  return sig;
}

FailureOr<ModelSignature> quant_opt::getModuleSignature(ModuleOp module) {
  auto attr = module->getAttrOfType<StringAttr>(kSignatureAttrName);
  if (!attr) {
    module.emitError() << "missing '" << kSignatureAttrName
                       << "' attribute: run --qopt-record-signature on the "
                          "onnx-level module first";
    return failure();
  }
  std::string error;
  auto sig = ModelSignature::parse(attr.getValue(), error);
  if (failed(sig))
    module.emitError() << kSignatureAttrName << ": " << error;
  return sig;
}

std::string quant_opt::sanitizeCIdentifier(StringRef name) {
  std::string out;
  for (char c : name)
    out += llvm::isAlnum(c) ? c : '_';
  if (out.empty() || llvm::isDigit(out[0]))
    out = "m_" + out;
  return out;
}
