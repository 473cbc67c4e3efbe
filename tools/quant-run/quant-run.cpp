//===- quant-run.cpp - Run a compiled model ---------------------------------===//
//
// quant-run MODEL(.so|.onnx|.mlir) [--input NAME=FILE]... [--input-dir DIR]
//           [--output-dir DIR] [--check DIR [--rtol R] [--atol A]]
//           [--benchmark N] [--model-name P]
//
// Argument parsing and wiring over the runtime C API (quant_opt/runtime.h).
// Exit status: 0 ok, 1 error or --check mismatch.
//
//===----------------------------------------------------------------------===//

#include "quant_opt/runtime.h"

#include <cstdio>
#include <cstdlib>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>
#include <vector>

namespace {

const char *kUsage =
    "usage: quant-run MODEL(.so|.onnx|.mlir) [--input NAME=FILE(.pb|.npy)]...\n"
    "                 [--input-dir DIR] [--output-dir DIR]\n"
    "                 [--check DIR [--rtol R] [--atol A]] [--benchmark N]\n"
    "                 [--model-name P]\n"
    "\n"
    "  MODEL              a model compiled by quant-opt --emit=shared, or an\n"
    "                     .onnx / .mlir model compiled on the fly with the\n"
    "                     quant-opt next to quant-run (or $QOPT_QUANT_OPT)\n"
    "  --input NAME=FILE  bind input NAME to a TensorProto .pb or .npy file\n"
    "  --input-dir DIR    bind DIR/input_<i>.pb (by its name if it names an\n"
    "                     input, else to input i); --input takes precedence\n"
    "  --output-dir DIR   write DIR/output_<i>.pb (all or nothing)\n"
    "  --check DIR        compare with DIR/output_<i>.pb; exit 1 on mismatch\n"
    "  --rtol R, --atol A tolerances of --check: |a-b| <= A + R*|b|\n"
    "                     (defaults 1e-3, 1e-5)\n"
    "  --benchmark N      one warm-up run, then N timed runs\n"
    "  --model-name P     the model prefix (symbols P_signature / P_run)\n";

struct TensorDeleter {
  void operator()(qopt_rt_tensor *tensor) const { qopt_rt_tensor_free(tensor); }
};
using Tensor = std::unique_ptr<qopt_rt_tensor, TensorDeleter>;

struct ModelDeleter {
  void operator()(qopt_rt_model *model) const { qopt_rt_model_free(model); }
};
using Model = std::unique_ptr<qopt_rt_model, ModelDeleter>;

struct Options {
  std::string model;
  std::vector<std::pair<std::string, std::string>> inputs;
  std::string inputDir, outputDir, checkDir, modelName;
  double rtol = 1e-3, atol = 1e-5;
  long benchmark = 0;
};

[[noreturn]] void die(const std::string &message) {
  std::fprintf(stderr, "quant-run: error: %s\n", message.c_str());
  std::exit(1);
}

[[noreturn]] void dieRuntime() { die(qopt_rt_last_error()); }

bool endsWith(const std::string &text, const char *suffix) {
  size_t length = std::strlen(suffix);
  return text.size() >= length &&
         text.compare(text.size() - length, length, suffix) == 0;
}

bool exists(const std::string &path) { return access(path.c_str(), F_OK) == 0; }

double parseNumber(const std::string &flag, const std::string &text) {
  char *end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (text.empty() || *end || !(value >= 0))
    die(flag + ": expected a non-negative number, got '" + text + "'");
  return value;
}

Options parseArgs(int argc, char **argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    }
    if (arg.rfind("--", 0) != 0) {
      if (!options.model.empty())
        die("more than one model: '" + options.model + "' and '" + arg + "'");
      options.model = arg;
      continue;
    }
    std::string flag = arg, value;
    size_t equals = arg.find('=');
    if (equals != std::string::npos) {
      flag = arg.substr(0, equals);
      value = arg.substr(equals + 1);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      die(flag + ": missing value");
    }
    if (flag == "--input") {
      size_t split = value.find('=');
      if (split == std::string::npos || split == 0)
        die("--input: expected NAME=FILE, got '" + value + "'");
      options.inputs.emplace_back(value.substr(0, split),
                                  value.substr(split + 1));
    } else if (flag == "--input-dir") {
      options.inputDir = value;
    } else if (flag == "--output-dir") {
      options.outputDir = value;
    } else if (flag == "--check") {
      options.checkDir = value;
    } else if (flag == "--rtol") {
      options.rtol = parseNumber(flag, value);
    } else if (flag == "--atol") {
      options.atol = parseNumber(flag, value);
    } else if (flag == "--benchmark") {
      char *end = nullptr;
      options.benchmark = std::strtol(value.c_str(), &end, 10);
      if (value.empty() || *end || options.benchmark < 1)
        die("--benchmark: expected a positive count, got '" + value + "'");
    } else if (flag == "--model-name") {
      options.modelName = value;
    } else {
      die("unknown option '" + flag + "' (see --help)");
    }
  }
  if (options.model.empty())
    die("no model given (see --help)");
  return options;
}

/// The quant-opt executable: $QOPT_QUANT_OPT, else next to quant-run.
std::string findQuantOpt() {
  if (const char *fromEnv = std::getenv("QOPT_QUANT_OPT"))
    return fromEnv;
  char self[4096];
  ssize_t length = readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (length <= 0)
    die("cannot find quant-opt: set QOPT_QUANT_OPT");
  std::string path(self, static_cast<size_t>(length));
  return path.substr(0, path.rfind('/') + 1) + "quant-opt";
}

Model loadModel(const Options &options) {
  const std::string &path = options.model;
  if (!exists(path))
    die(path + ": no such model file");
  const char *prefix =
      options.modelName.empty() ? nullptr : options.modelName.c_str();
  if (endsWith(path, ".so")) {
    Model model(qopt_rt_model_load(path.c_str(), prefix));
    if (!model)
      dieRuntime();
    return model;
  }
  if (!endsWith(path, ".onnx") && !endsWith(path, ".mlir"))
    die(path + ": unknown model type (expected .so, .onnx or .mlir)");
  char dir[] = "/tmp/quant-run.XXXXXX";
  if (!mkdtemp(dir))
    die("cannot create a temporary directory");
  std::string so = std::string(dir) + "/model.so";
  int compiled = qopt_rt_compile_model(findQuantOpt().c_str(), path.c_str(),
                                       so.c_str(), prefix);
  // A loaded library stays mapped after its file is removed.
  Model model(compiled == 0 ? qopt_rt_model_load(so.c_str(), prefix)
                            : nullptr);
  std::string error = qopt_rt_last_error();
  unlink(so.c_str());
  rmdir(dir);
  if (!model)
    die(error);
  return model;
}

Tensor readTensor(const std::string &path) {
  Tensor tensor(qopt_rt_read_tensor_file(path.c_str()));
  if (!tensor)
    dieRuntime();
  return tensor;
}

/// mkdir -p: creates `path` and its missing parents.
bool makeDirectories(const std::string &path) {
  struct stat info;
  if (stat(path.c_str(), &info) == 0)
    return S_ISDIR(info.st_mode);
  size_t slash = path.find_last_of('/');
  if (slash != std::string::npos && slash > 0 &&
      !makeDirectories(path.substr(0, slash)))
    return false;
  return mkdir(path.c_str(), 0755) == 0 || errno == EEXIST;
}

/// Reads every input named by --input and --input-dir; dies on an unknown,
/// duplicate or missing input.
std::vector<Tensor> bindInputs(const Options &options, qopt_rt_model *model) {
  int32_t count = qopt_rt_model_num_inputs(model);
  std::vector<Tensor> bound(count);
  for (const auto &[name, file] : options.inputs) {
    int32_t index = qopt_rt_model_find_input(model, name.c_str());
    if (index < 0)
      dieRuntime();
    if (bound[index])
      die("input '" + name + "' given twice");
    bound[index] = readTensor(file);
  }
  if (!options.inputDir.empty()) {
    std::string first = options.inputDir + "/input_0.pb";
    if (count > 0 && !exists(first))
      die(first + ": no such file (--input-dir wants input_<i>.pb)");
    for (int32_t i = 0;; ++i) {
      std::string file =
          options.inputDir + "/input_" + std::to_string(i) + ".pb";
      if (!exists(file))
        break;
      Tensor tensor = readTensor(file);
      int32_t index = i;
      const char *name = qopt_rt_tensor_name(tensor.get());
      for (int32_t k = 0; *name && k < count; ++k)
        if (std::strcmp(qopt_rt_model_input(model, k)->name, name) == 0)
          index = k;
      if (index >= count)
        die(file + ": the model has only " + std::to_string(count) +
            " input(s)");
      if (!bound[index]) // --input takes precedence.
        bound[index] = std::move(tensor);
    }
  }
  for (int32_t i = 0; i < count; ++i)
    if (!bound[i]) {
      std::string name = qopt_rt_model_input(model, i)->name;
      die("input '" + name + "' not given (use --input " + name +
          "=FILE or --input-dir DIR)");
    }
  return bound;
}

/// DIR/output_<i>.pb for every model output; dies if one is missing or the
/// directory holds more outputs than the model has.
std::vector<Tensor> readExpected(const std::string &dir, int32_t count) {
  std::vector<Tensor> expected;
  for (int32_t i = 0; i < count; ++i)
    expected.push_back(
        readTensor(dir + "/output_" + std::to_string(i) + ".pb"));
  std::string extra = dir + "/output_" + std::to_string(count) + ".pb";
  if (exists(extra))
    die(extra + ": the model has only " + std::to_string(count) +
        " output(s)");
  return expected;
}

std::string shapeText(const qopt_rt_tensor *tensor) {
  std::string text = "[";
  const int64_t *dims = qopt_rt_tensor_dims(tensor);
  for (int32_t i = 0; i < qopt_rt_tensor_rank(tensor); ++i)
    text += (i ? "," : "") + std::to_string(dims[i]);
  return text + "]";
}

/// Prints the comparison table; returns true when every output passes.
bool check(const std::vector<Tensor> &outputs,
           const std::vector<Tensor> &expected, const Options &options) {
  std::printf("%-16s %-8s %-14s %-12s %-12s %-14s %s\n", "output", "dtype",
              "shape", "max_abs_err", "max_rel_err", "mismatches", "result");
  bool allPass = true;
  for (size_t i = 0; i < outputs.size(); ++i) {
    const qopt_rt_tensor *actual = outputs[i].get();
    const qopt_rt_tensor *want = expected[i].get();
    qopt_rt_compare_result result;
    bool pass = qopt_rt_compare(actual, want, options.rtol, options.atol,
                                &result) == 1;
    allPass &= pass;
    std::string dtype = qopt_rt_dtype_name(qopt_rt_tensor_dtype(actual));
    std::string shape = shapeText(actual);
    std::string mismatches = std::to_string(result.mismatches) + "/" +
                             std::to_string(result.count);
    if (!result.dtype_match) {
      dtype += "!=" + std::string(qopt_rt_dtype_name(qopt_rt_tensor_dtype(want)));
      mismatches = "-";
    }
    if (!result.shape_match) {
      shape += "!=" + shapeText(want);
      mismatches = "-";
    }
    std::printf("%-16s %-8s %-14s %-12.4g %-12.4g %-14s %s\n",
                qopt_rt_tensor_name(actual), dtype.c_str(), shape.c_str(),
                result.max_abs_error, result.max_rel_error,
                mismatches.c_str(), pass ? "PASS" : "FAIL");
  }
  return allPass;
}

} // namespace

int main(int argc, char **argv) {
  Options options = parseArgs(argc, argv);
  // Models allocate temporaries per run: keep freed memory for the next one;
  // keep OpenMP workers awake between runs.
  (void)qopt_rt_keep_freed_memory();
  (void)qopt_rt_prefer_spinning_threads();
  Model model = loadModel(options);
  std::vector<Tensor> inputs = bindInputs(options, model.get());
  int32_t numOutputs = qopt_rt_model_num_outputs(model.get());
  std::vector<Tensor> expected;
  if (!options.checkDir.empty())
    expected = readExpected(options.checkDir, numOutputs);

  std::vector<const qopt_rt_tensor *> inputPointers;
  for (const Tensor &tensor : inputs)
    inputPointers.push_back(tensor.get());
  std::vector<qopt_rt_tensor *> rawOutputs(numOutputs);
  if (qopt_rt_model_run(model.get(), inputPointers.data(),
                        rawOutputs.data()) != 0)
    dieRuntime();
  std::vector<Tensor> outputs;
  for (qopt_rt_tensor *tensor : rawOutputs)
    outputs.emplace_back(tensor);

  if (!options.outputDir.empty()) {
    if (!makeDirectories(options.outputDir))
      die(options.outputDir + ": cannot create the output directory");
    std::vector<const qopt_rt_tensor *> pointers;
    for (const Tensor &tensor : outputs)
      pointers.push_back(tensor.get());
    if (qopt_rt_write_outputs_pb(options.outputDir.c_str(), numOutputs,
                                 pointers.data()) != 0)
      dieRuntime();
  }

  bool pass = true;
  if (!options.checkDir.empty()) {
    pass = check(outputs, expected, options);
  } else {
    for (int32_t i = 0; i < numOutputs; ++i)
      std::printf("output %d '%s': %s %s\n", i,
                  qopt_rt_tensor_name(outputs[i].get()),
                  qopt_rt_dtype_name(qopt_rt_tensor_dtype(outputs[i].get())),
                  shapeText(outputs[i].get()).c_str());
  }

  if (options.benchmark > 0) {
    qopt_rt_benchmark_result result;
    if (qopt_rt_model_benchmark(model.get(), inputPointers.data(),
                                static_cast<int32_t>(options.benchmark),
                                &result) != 0)
      dieRuntime();
    std::printf("benchmark: %d runs after 1 warm-up: median %.4g ms, min "
                "%.4g ms, max %.4g ms\n",
                result.runs, result.median_ns / 1e6, result.min_ns / 1e6,
                result.max_ns / 1e6);
    std::printf("peak RSS: %.1f MiB\n",
                qopt_rt_peak_rss_bytes() / (1024.0 * 1024.0));
  }
  return pass ? 0 : 1;
}
