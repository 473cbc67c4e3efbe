//===- BackendImportTest.cpp - import the ONNX backend test models --------===//
//
// Imports every model.onnx of the ONNX backend test suite shipped by Debian's
// libonnx-testdata (node, simple, pytorch-converted, pytorch-operator),
// verifies it, runs shape inference (with folding) on it and round-trips it
// through print and parse. A model whose ops
// are not all supported is skipped, and the missing op types are counted.
// Any other failure fails the test unless the model is listed, with a
// reason, in test/Target/ONNX/backend-import-exclusions.txt.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Dialect/ONNX/ONNXOps.h"
#include "QuantOpt/Target/ONNX/ImportONNX.h"

#include "QuantOpt/Dialect/ONNX/Passes.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>
#include <map>
#include <set>

using namespace mlir;

namespace {

constexpr const char *kSuiteRoot = "/usr/share/libonnx-testdata/data";

std::map<std::string, std::string> readExclusions() {
  std::map<std::string, std::string> exclusions;
  auto file = llvm::MemoryBuffer::getFile(
      QOPT_SOURCE_DIR "/test/Target/ONNX/backend-import-exclusions.txt");
  if (!file)
    return exclusions;
  llvm::SmallVector<llvm::StringRef> lines;
  (*file)->getBuffer().split(lines, '\n');
  for (llvm::StringRef line : lines) {
    line = line.trim();
    if (line.empty() || line.starts_with("#"))
      continue;
    auto [name, reason] = line.split(' ');
    exclusions[name.str()] = reason.trim().str();
  }
  return exclusions;
}

std::string print(ModuleOp module) {
  std::string text;
  llvm::raw_string_ostream os(text);
  module->print(os);
  return text;
}

TEST(BackendImport, AllSupportedModelsImportVerifyAndRoundTrip) {
  if (!llvm::sys::fs::is_directory(kSuiteRoot))
    GTEST_SKIP() << kSuiteRoot << " is missing (apt package libonnx-testdata)";
  auto exclusions = readExclusions();
  DialectRegistry registry;
  quant_opt::registerImportDialects(registry);

  int imported = 0, skipped = 0, oldOpset = 0, excluded = 0;
  std::map<std::string, int> missingOps;
  std::vector<std::string> failures, fixedExclusions;
  for (const char *suite :
       {"node", "simple", "pytorch-converted", "pytorch-operator"}) {
    std::error_code ec;
    std::set<std::string> dirs;
    for (llvm::sys::fs::directory_iterator
             it(std::string(kSuiteRoot) + "/" + suite, ec),
         end;
         it != end && !ec; it.increment(ec))
      dirs.insert(it->path());
    for (const std::string &dir : dirs) {
      std::string modelPath = dir + "/model.onnx";
      if (!llvm::sys::fs::exists(modelPath))
        continue;
      std::string name =
          (llvm::Twine(suite) + "/" + llvm::sys::path::filename(dir)).str();

      MLIRContext context(registry);
      std::string diagnostics;
      ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
        diagnostics += diag.str() + "\n";
        return success();
      });
      auto module = quant_opt::importONNXFile(&context, modelPath);
      std::string problem;
      if (failed(module)) {
        llvm::StringRef text(diagnostics);
        if (text.contains("unsupported op type")) {
          ++skipped;
          llvm::SmallVector<llvm::StringRef> lines;
          text.split(lines, '\n');
          for (llvm::StringRef line : llvm::ArrayRef(lines).drop_front())
            if (line.starts_with("  "))
              ++missingOps[line.trim().split(' ').first.str()];
          continue;
        }
        if (text.contains("quant-opt imports opsets")) {
          ++oldOpset;
          continue;
        }
        problem = "import failed: " + diagnostics;
      } else {
        // Shape inference with folding must keep every model valid.
        PassManager pm(&context, ModuleOp::getOperationName(),
                       OpPassManager::Nesting::Implicit);
        pm.addNestedPass<func::FuncOp>(quant_opt::onnx::createShapeInference());
        if (failed(pm.run(**module)))
          problem = "shape inference failed: " + diagnostics;
      }
      if (problem.empty() && succeeded(module)) {
        std::string first = print(**module);
        MLIRContext context2(registry);
        ScopedDiagnosticHandler handler2(&context2, [&](Diagnostic &diag) {
          diagnostics += diag.str() + "\n";
          return success();
        });
        auto reparsed = parseSourceString<ModuleOp>(first, &context2);
        if (!reparsed)
          problem = "re-parse failed: " + diagnostics;
        else if (print(*reparsed) != first)
          problem = "print/parse round trip changed the module";
      }
      bool isExcluded = exclusions.count(name);
      if (problem.empty()) {
        ++imported;
        if (isExcluded)
          fixedExclusions.push_back(name);
      } else if (isExcluded) {
        ++excluded;
      } else {
        failures.push_back(name + ": " + problem);
      }
    }
  }

  std::vector<std::pair<int, std::string>> sortedMissing;
  for (auto &[op, count] : missingOps)
    sortedMissing.push_back({-count, op});
  std::sort(sortedMissing.begin(), sortedMissing.end());
  llvm::outs() << "ONNX backend suite import: " << imported << " imported, "
               << skipped << " skipped (unsupported ops), " << oldOpset
               << " skipped (opset below 9), " << excluded << " excluded, "
               << failures.size() << " failed\n";
  llvm::outs() << "skipped for op types (models):";
  for (auto &[negCount, op] : sortedMissing)
    llvm::outs() << " " << op << "(" << -negCount << ")";
  llvm::outs() << "\n";
  llvm::outs().flush();
  for (const std::string &name : fixedExclusions)
    ADD_FAILURE() << name << " is excluded but now imports: remove it from "
                  << "backend-import-exclusions.txt";
  for (const std::string &failure : failures)
    ADD_FAILURE() << failure;
}

} // namespace
