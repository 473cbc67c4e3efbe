//===- quant-run.cpp - Run a compiled model ---------------------------------===//
//
// quant-run MODEL(.so|.onnx|.mlir) [--input NAME=FILE]... [--input-dir DIR]
//           [--output-dir DIR] [--check DIR [--rtol R] [--atol A]]
//           [--benchmark N] [--model-name P]
// quant-run LM --perplexity FILE [--context N] [--stride S] [--max-context M]
//           [--max-tokens T] [--compare-to MODEL] [--metrics FILE.json]
// quant-run DECODE_LM --generate N --prompt FILE [--prompt-tokens K]
// quant-run CLASSIFIER --accuracy DIR [--predictions FILE.npy]
//
// Argument parsing and wiring over the runtime C API (quant_opt/runtime.h).
// Exit status: 0 ok, 1 error or --check mismatch.
//
//===----------------------------------------------------------------------===//

#include "quant_opt/runtime.h"

#include <algorithm>
#include <cmath>
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
    "       quant-run LM --perplexity FILE [--context N] [--stride S]\n"
    "                 [--max-context M] [--max-tokens T] [--compare-to MODEL]\n"
    "       quant-run DECODE_LM --generate N --prompt FILE [--prompt-tokens K]\n"
    "       quant-run CLASSIFIER --accuracy DIR [--predictions FILE.npy]\n"
    "       (each evaluation also takes --metrics FILE.json)\n"
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
    "  --model-name P     the model prefix (symbols P_signature / P_run)\n"
    "\n"
    "Evaluation (docs/evaluation.md):\n"
    "  --perplexity FILE  sliding-window perplexity of a causal LM on FILE: raw\n"
    "                     text (one token per byte) or token ids (.npy / .pb)\n"
    "  --context N        window length (default: --max-context, or the\n"
    "                     model's static sequence length)\n"
    "  --stride S         window advance (default: context / 2); windows after\n"
    "                     the first score only their last S tokens\n"
    "  --max-context M    the longest sequence the model supports; a larger\n"
    "                     --context is an error\n"
    "  --max-tokens T     use only the first T tokens of FILE\n"
    "  --compare-to MODEL run a reference model (.so/.onnx/.mlir) on the same\n"
    "                     windows: KL divergence, top-1 agreement, max |dlogit|\n"
    "  --generate N       greedy decoding of N tokens with a KV-cache decode\n"
    "                     model: time to first token and decode tokens/s\n"
    "  --prompt FILE      the prompt of --generate (raw bytes or token ids)\n"
    "  --prompt-tokens K  use the first K tokens of the prompt file\n"
    "  --accuracy DIR     top-1 accuracy of a classifier on DIR/labels.pb and\n"
    "                     DIR/test_data_set_<k>/input_0.pb\n"
    "  --predictions F    write the predicted classes (int64 .npy)\n"
    "  --metrics F        also write the evaluation's numbers as JSON\n";

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
  // Evaluation.
  std::string perplexity, compareTo, prompt, accuracy, predictions, metrics;
  long context = 0, stride = 0, maxContext = 0, maxTokens = 0, generate = 0,
       promptTokens = 0;
  bool evaluating() const {
    return !perplexity.empty() || generate > 0 || !accuracy.empty();
  }
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

long parseCount(const std::string &flag, const std::string &text) {
  char *end = nullptr;
  long value = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end || value < 1)
    die(flag + ": expected a positive count, got '" + text + "'");
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
    } else if (flag == "--perplexity") {
      options.perplexity = value;
    } else if (flag == "--compare-to") {
      options.compareTo = value;
    } else if (flag == "--prompt") {
      options.prompt = value;
    } else if (flag == "--accuracy") {
      options.accuracy = value;
    } else if (flag == "--predictions") {
      options.predictions = value;
    } else if (flag == "--metrics") {
      options.metrics = value;
    } else if (flag == "--context") {
      options.context = parseCount(flag, value);
    } else if (flag == "--stride") {
      options.stride = parseCount(flag, value);
    } else if (flag == "--max-context") {
      options.maxContext = parseCount(flag, value);
    } else if (flag == "--max-tokens") {
      options.maxTokens = parseCount(flag, value);
    } else if (flag == "--generate") {
      options.generate = parseCount(flag, value);
    } else if (flag == "--prompt-tokens") {
      options.promptTokens = parseCount(flag, value);
    } else {
      die("unknown option '" + flag + "' (see --help)");
    }
  }
  if (options.model.empty())
    die("no model given (see --help)");
  int modes = !options.perplexity.empty() + (options.generate > 0) +
              !options.accuracy.empty();
  if (modes > 1)
    die("--perplexity, --generate and --accuracy are separate runs: give one");
  if (modes == 1 && (!options.inputs.empty() || !options.inputDir.empty() ||
                     !options.checkDir.empty() || options.benchmark > 0 ||
                     !options.outputDir.empty()))
    die("--input, --input-dir, --output-dir, --check and --benchmark do not "
        "combine with --perplexity, --generate or --accuracy");
  if (!options.compareTo.empty() && options.perplexity.empty())
    die("--compare-to needs --perplexity");
  if (options.generate > 0 && options.prompt.empty())
    die("--generate needs --prompt FILE");
  if (!options.predictions.empty() && options.accuracy.empty())
    die("--predictions needs --accuracy");
  if (!options.metrics.empty() && modes == 0)
    die("--metrics needs --perplexity, --generate or --accuracy");
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

Model loadModel(const std::string &path, const std::string &modelName) {
  if (!exists(path))
    die(path + ": no such model file");
  const char *prefix =
      modelName.empty() ? nullptr : modelName.c_str();
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

/// The evaluation's numbers, printed as JSON by --metrics.
class Metrics {
public:
  void add(const std::string &key, double value) {
    char text[64];
    std::snprintf(text, sizeof(text), "%.10g", value);
    fields.emplace_back(key, std::isfinite(value) ? text : "null");
  }
  void add(const std::string &key, const std::string &value) {
    std::string quoted = "\"";
    for (char c : value) {
      if (c == '"' || c == '\\')
        quoted += '\\';
      // Control characters and every byte >= 0x80 (generated bytes need
      // not be UTF-8) as \u00XX: one code point per byte.
      unsigned char byte = static_cast<unsigned char>(c);
      if (byte < 0x20 || byte >= 0x80) {
        char escape[8];
        std::snprintf(escape, sizeof(escape), "\\u%04x", byte);
        quoted += escape;
        continue;
      }
      quoted += c;
    }
    fields.emplace_back(key, quoted + "\"");
  }
  void write(const std::string &path) const {
    std::string text = "{\n";
    for (size_t i = 0; i < fields.size(); ++i)
      text += "  \"" + fields[i].first + "\": " + fields[i].second +
              (i + 1 < fields.size() ? ",\n" : "\n");
    text += "}\n";
    FILE *file = std::fopen(path.c_str(), "w");
    if (!file)
      die(path + ": cannot write the metrics file");
    bool ok = std::fwrite(text.data(), 1, text.size(), file) == text.size();
    ok &= std::fclose(file) == 0;
    if (!ok) {
      unlink(path.c_str());
      die(path + ": cannot write the metrics file");
    }
  }

private:
  std::vector<std::pair<std::string, std::string>> fields;
};

struct TokenBuffer {
  int64_t *data = nullptr;
  int64_t count = 0;
  ~TokenBuffer() { std::free(data); }
};

void readTokens(const std::string &path, TokenBuffer &tokens) {
  if (!exists(path))
    die(path + ": no such file");
  if (qopt_rt_read_tokens(path.c_str(), &tokens.data, &tokens.count) != 0)
    dieRuntime();
}

double mib(int64_t bytes) { return bytes / (1024.0 * 1024.0); }

int evaluatePerplexity(const Options &options, qopt_rt_model *model,
                       Metrics &metrics) {
  Model reference;
  if (!options.compareTo.empty())
    reference = loadModel(options.compareTo, "");
  TokenBuffer tokens;
  readTokens(options.perplexity, tokens);
  int64_t count = tokens.count;
  if (options.maxTokens > 0 && options.maxTokens < count)
    count = options.maxTokens;
  int64_t staticSequence = qopt_rt_model_num_inputs(model) == 1 &&
                                   qopt_rt_model_input(model, 0)->rank == 2
                               ? qopt_rt_model_input(model, 0)->dims[1]
                               : -1;
  qopt_rt_lm_eval_options eval = {options.context, options.stride,
                                  options.maxContext};
  if (eval.context == 0)
    eval.context = options.maxContext > 0 ? options.maxContext : staticSequence;
  if (eval.context <= 0)
    die("--perplexity: give --context N (the model's sequence dimension is "
        "dynamic and --max-context is not set)");
  if (eval.stride == 0)
    eval.stride = std::max<int64_t>(1, eval.context / 2);
  qopt_rt_lm_eval_result result;
  if (qopt_rt_eval_perplexity(model, reference.get(), tokens.data, count,
                              &eval, &result) != 0)
    die(options.perplexity + ": " + qopt_rt_last_error());
  double prefill = result.processed_tokens / result.run_seconds;
  double scoredRate = result.scored_tokens / result.run_seconds;
  std::printf("perplexity: %.6g  bits/token: %.6g  (mean NLL %.6g nats; %lld "
              "tokens scored, vocabulary %lld)\n",
              result.perplexity, result.bits_per_token, result.mean_nll,
              static_cast<long long>(result.scored_tokens),
              static_cast<long long>(result.vocab));
  std::printf("windows: %lld of up to %lld tokens, stride %lld%s\n",
              static_cast<long long>(result.windows),
              static_cast<long long>(eval.context),
              static_cast<long long>(eval.stride),
              options.maxContext == 0 && staticSequence < 0
                  ? " (model context limit unknown: pass --max-context to "
                    "check it)"
                  : "");
  std::printf("speed: %.1f tokens/s through the model (prefill), %.1f scored "
              "tokens/s, %.3f s in the model\n",
              prefill, scoredRate, result.run_seconds);
  metrics.add("mode", "perplexity");
  metrics.add("file", options.perplexity);
  metrics.add("context", static_cast<double>(eval.context));
  metrics.add("stride", static_cast<double>(eval.stride));
  metrics.add("windows", static_cast<double>(result.windows));
  metrics.add("vocab", static_cast<double>(result.vocab));
  metrics.add("scored_tokens", static_cast<double>(result.scored_tokens));
  metrics.add("processed_tokens", static_cast<double>(result.processed_tokens));
  metrics.add("mean_nll", result.mean_nll);
  metrics.add("perplexity", result.perplexity);
  metrics.add("bits_per_token", result.bits_per_token);
  metrics.add("run_seconds", result.run_seconds);
  metrics.add("prefill_tokens_per_second", prefill);
  metrics.add("scored_tokens_per_second", scoredRate);
  if (result.compared) {
    std::printf("reference: perplexity %.6g  bits/token %.6g  (%s)\n",
                result.ref_perplexity, result.ref_bits_per_token,
                options.compareTo.c_str());
    std::printf("KL divergence vs reference (nats/token): mean %.6g  median "
                "%.6g  p99 %.6g  max %.6g\n",
                result.kld_mean, result.kld_median, result.kld_p99,
                result.kld_max);
    std::printf("top-1 agreement: %.4f %%  max |delta logit|: %.6g\n",
                100 * result.top1_agreement, result.max_abs_logit_diff);
    metrics.add("reference", options.compareTo);
    metrics.add("ref_perplexity", result.ref_perplexity);
    metrics.add("ref_bits_per_token", result.ref_bits_per_token);
    metrics.add("kld_mean", result.kld_mean);
    metrics.add("kld_median", result.kld_median);
    metrics.add("kld_p99", result.kld_p99);
    metrics.add("kld_max", result.kld_max);
    metrics.add("top1_agreement", result.top1_agreement);
    metrics.add("max_abs_logit_diff", result.max_abs_logit_diff);
  }
  return 0;
}

int evaluateGenerate(const Options &options, qopt_rt_model *model,
                     Metrics &metrics) {
  TokenBuffer prompt;
  readTokens(options.prompt, prompt);
  int64_t count = prompt.count;
  if (options.promptTokens > 0) {
    if (options.promptTokens > count)
      die(options.prompt + ": --prompt-tokens " +
          std::to_string(options.promptTokens) + " but the file has only " +
          std::to_string(count) + " tokens");
    count = options.promptTokens;
  }
  std::vector<int64_t> out(options.generate);
  qopt_rt_generate_result result;
  if (qopt_rt_generate_greedy(model, prompt.data, count, options.generate,
                              options.maxContext, out.data(), &result) != 0)
    dieRuntime();
  bool bytes = true;
  for (int64_t i = 0; i < count; ++i)
    bytes &= prompt.data[i] < 256;
  for (int64_t i = 0; i < result.generated; ++i)
    bytes &= out[i] < 256;
  std::string text;
  if (bytes) {
    for (int64_t i = 0; i < result.generated; ++i)
      text += static_cast<char>(out[i]);
    std::printf("prompt (%lld bytes): ", static_cast<long long>(count));
    std::string promptText(prompt.data, prompt.data + count);
    std::printf("%s\n", promptText.c_str());
    std::printf("generated (%lld bytes): %s\n",
                static_cast<long long>(result.generated), text.c_str());
  } else {
    for (int64_t i = 0; i < result.generated; ++i)
      text += (i ? " " : "") + std::to_string(out[i]);
    std::printf("generated (%lld token ids): %s\n",
                static_cast<long long>(result.generated), text.c_str());
  }
  std::printf("time to first token: %.2f ms for a %lld-token prompt (%.1f "
              "prompt tokens/s)\n",
              result.ttft_seconds * 1e3, static_cast<long long>(count),
              result.prefill_tokens_per_second);
  std::printf("decode: %.1f tokens/s (%lld steps, %.3f s)\n",
              result.decode_tokens_per_second,
              static_cast<long long>(result.generated - 1),
              result.decode_seconds);
  metrics.add("mode", "generate");
  metrics.add("prompt_tokens", static_cast<double>(count));
  metrics.add("generated", static_cast<double>(result.generated));
  metrics.add("text", text);
  metrics.add("ttft_seconds", result.ttft_seconds);
  metrics.add("prompt_tokens_per_second", result.prefill_tokens_per_second);
  metrics.add("decode_tokens_per_second", result.decode_tokens_per_second);
  return 0;
}

int evaluateAccuracy(const Options &options, qopt_rt_model *model,
                     Metrics &metrics) {
  int64_t *predictions = nullptr;
  qopt_rt_accuracy_result result;
  if (qopt_rt_eval_accuracy(model, options.accuracy.c_str(),
                            options.predictions.empty() ? nullptr
                                                        : &predictions,
                            &result) != 0)
    dieRuntime();
  std::unique_ptr<int64_t, decltype(&std::free)> owned(predictions,
                                                        &std::free);
  std::printf("accuracy: %.4f %% (%lld / %lld top-1) in %.3f ms\n",
              100 * result.accuracy, static_cast<long long>(result.correct),
              static_cast<long long>(result.count), result.run_seconds * 1e3);
  if (!options.predictions.empty()) {
    int64_t dims[1] = {result.count};
    Tensor tensor(qopt_rt_tensor_create(QOPT_DTYPE_INT64, 1, dims));
    if (!tensor)
      dieRuntime();
    std::memcpy(qopt_rt_tensor_data(tensor.get()), predictions,
                result.count * sizeof(int64_t));
    if (qopt_rt_write_npy(options.predictions.c_str(), tensor.get()) != 0)
      dieRuntime();
  }
  metrics.add("mode", "accuracy");
  metrics.add("count", static_cast<double>(result.count));
  metrics.add("correct", static_cast<double>(result.correct));
  metrics.add("accuracy", result.accuracy);
  metrics.add("run_seconds", result.run_seconds);
  return 0;
}

int evaluate(const Options &options, qopt_rt_model *model) {
  Metrics metrics;
  metrics.add("model", options.model);
  int status;
  if (!options.perplexity.empty())
    status = evaluatePerplexity(options, model, metrics);
  else if (options.generate > 0)
    status = evaluateGenerate(options, model, metrics);
  else
    status = evaluateAccuracy(options, model, metrics);
  int64_t rss = qopt_rt_peak_rss_bytes();
  std::printf("peak RSS: %.1f MiB\n", mib(rss));
  metrics.add("peak_rss_bytes", static_cast<double>(rss));
  if (!options.metrics.empty())
    metrics.write(options.metrics);
  return status;
}

} // namespace

int main(int argc, char **argv) {
  Options options = parseArgs(argc, argv);
  // Models allocate temporaries per run: keep freed memory for the next one;
  // keep OpenMP workers awake between runs.
  (void)qopt_rt_keep_freed_memory();
  (void)qopt_rt_prefer_spinning_threads();
  Model model = loadModel(options.model, options.modelName);
  if (options.evaluating())
    return evaluate(options, model.get());
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
