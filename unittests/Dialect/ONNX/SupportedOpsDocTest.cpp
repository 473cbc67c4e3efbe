//===- SupportedOpsDocTest.cpp - docs/supported-ops.md lists every op -----===//
//
// Keeps docs/supported-ops.md in step with the dialect: every registered op
// of the `onnx` dialect (except onnx.NoValue, which is not an ONNX operator)
// must have exactly one row in an operator table of the document, and every
// row must name a registered op. Operator tables are the Markdown tables
// whose header's first cell is "ONNX op".
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Dialect/ONNX/ONNXOps.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"

#include <gtest/gtest.h>
#include <map>
#include <set>
#include <string>
#include <vector>

using namespace mlir;

namespace {

constexpr const char *kDocPath = QOPT_SOURCE_DIR "/docs/supported-ops.md";

/// Splits a Markdown table row `| a | b |` into trimmed cells.
std::vector<std::string> splitRow(llvm::StringRef line) {
  line = line.trim();
  line.consume_front("|");
  line.consume_back("|");
  llvm::SmallVector<llvm::StringRef> cells;
  line.split(cells, '|');
  std::vector<std::string> result;
  for (llvm::StringRef cell : cells)
    result.push_back(cell.trim().str());
  return result;
}

/// True for the `|---|:--|` line under a table header.
bool isSeparatorRow(const std::vector<std::string> &cells) {
  for (const std::string &cell : cells)
    if (cell.find_first_not_of("-: ") != std::string::npos)
      return false;
  return true;
}

/// Op names (first cell, backticks stripped) of every operator-table row,
/// with the 1-based line number of each occurrence.
std::map<std::string, std::vector<int>> readDocumentedOps(llvm::StringRef doc) {
  std::map<std::string, std::vector<int>> ops;
  llvm::SmallVector<llvm::StringRef> lines;
  doc.split(lines, '\n');
  bool inOpTable = false;
  for (auto [index, rawLine] : llvm::enumerate(lines)) {
    llvm::StringRef line = rawLine.trim();
    if (!line.starts_with("|")) {
      inOpTable = false;
      continue;
    }
    std::vector<std::string> cells = splitRow(line);
    if (cells.empty())
      continue;
    if (!inOpTable) {
      // A new table starts: is it an operator table?
      inOpTable = cells.front() == "ONNX op";
      continue;
    }
    if (isSeparatorRow(cells))
      continue;
    std::string name = cells.front();
    llvm::StringRef trimmed(name);
    trimmed.consume_front("`");
    trimmed.consume_back("`");
    ops[trimmed.str()].push_back(static_cast<int>(index) + 1);
  }
  return ops;
}

TEST(SupportedOpsDoc, ListsEveryRegisteredOnnxOpExactlyOnce) {
  auto file = llvm::MemoryBuffer::getFile(kDocPath);
  ASSERT_TRUE(static_cast<bool>(file))
      << "cannot read " << kDocPath << ": " << file.getError().message();
  std::map<std::string, std::vector<int>> documented =
      readDocumentedOps((*file)->getBuffer());
  ASSERT_FALSE(documented.empty())
      << kDocPath << " has no table whose header starts with '| ONNX op |'";

  MLIRContext context;
  context.loadDialect<quant_opt::onnx::ONNXDialect>();
  std::set<std::string> registered;
  for (RegisteredOperationName name :
       context.getRegisteredOperationsByDialect("onnx")) {
    llvm::StringRef opName = name.stripDialect();
    if (opName != "NoValue")
      registered.insert(opName.str());
  }
  ASSERT_FALSE(registered.empty()) << "the onnx dialect registered no ops";

  for (const std::string &op : registered)
    EXPECT_TRUE(documented.count(op))
        << "onnx." << op << " is registered but has no row in " << kDocPath;
  for (const auto &[op, lineNumbers] : documented) {
    EXPECT_TRUE(registered.count(op))
        << kDocPath << ":" << lineNumbers.front() << ": row '" << op
        << "' names no registered onnx op"
        << (op == "NoValue" ? " (onnx.NoValue is not an ONNX op)" : "");
    if (lineNumbers.size() > 1) {
      std::string where;
      for (int line : lineNumbers)
        where += " " + std::to_string(line);
      ADD_FAILURE() << "op '" << op << "' has " << lineNumbers.size()
                    << " rows in " << kDocPath << " (lines" << where << ")";
    }
  }
}

} // namespace
