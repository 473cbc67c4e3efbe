//===- Model.cpp - Loading and running compiled models --------------------===//
//
// The compiled-model ABI version 1 (docs/cpu-codegen.md): `P_signature`,
// `P_run` and the weak `qopt_model_prefix`.
//
//===----------------------------------------------------------------------===//

#include "CudaDriver.h"
#include "Internal.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <map>
#include <sstream>

using namespace qopt::rt;

namespace {

using SignatureFn = const char *(*)();
using RunFn = int32_t (*)(const qopt_tensor *, qopt_tensor *);

struct IOSpec {
  std::string name;
  qopt_dtype dtype;
  std::vector<int64_t> dims;
  /// Per dimension: the symbol of a dynamic dimension (`?batch`), or "".
  std::vector<std::string> symbols;
  qopt_rt_io_info info;
};

struct Signature {
  std::string name;
  std::vector<IOSpec> inputs, outputs;
};

bool isPlainNameChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || std::strchr("_.:/-", c);
}

int hexValue(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/// Decodes %XX escapes; false on a bad escape or an unescaped character
/// outside [A-Za-z0-9_.:/-].
bool percentDecode(const std::string &text, std::string &out) {
  out.clear();
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      if (!isPlainNameChar(text[i]))
        return false;
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size())
      return false;
    int high = hexValue(text[i + 1]), low = hexValue(text[i + 2]);
    if (high < 0 || low < 0)
      return false;
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return !out.empty();
}

std::vector<std::string> splitSpaces(const std::string &line) {
  std::vector<std::string> fields;
  std::istringstream stream(line);
  std::string field;
  while (stream >> field)
    fields.push_back(field);
  return fields;
}

bool parseInt(const std::string &text, int64_t &value) {
  if (text.empty() || text.size() > 18)
    return false;
  value = 0;
  for (char c : text) {
    if (c < '0' || c > '9')
      return false;
    value = value * 10 + (c - '0');
  }
  return true;
}

/// Parses and validates signature text; false with an error naming the line.
bool parseSignature(const std::string &text, Signature &signature) {
  std::istringstream stream(text);
  std::string line;
  int lineNumber = 0;
  auto lineError = [&](const std::string &message) {
    fail("bad signature line " + std::to_string(lineNumber) + " ('" + line +
         "'): " + message);
    return false;
  };
  bool sawHeader = false;
  while (std::getline(stream, line)) {
    ++lineNumber;
    std::vector<std::string> fields = splitSpaces(line);
    if (fields.empty())
      continue;
    if (!sawHeader) {
      int64_t version;
      if (fields.size() != 2 || fields[0] != "qopt-model" ||
          !parseInt(fields[1], version))
        return lineError("expected 'qopt-model <version>' first");
      if (version != QOPT_RT_ABI_VERSION)
        return fail("unsupported ABI version " + fields[1] +
                    " (this runtime loads version " +
                    std::to_string(QOPT_RT_ABI_VERSION) + ")"),
               false;
      sawHeader = true;
      continue;
    }
    if (fields[0] == "name") {
      if (fields.size() != 2 || !signature.name.empty())
        return lineError("expected one 'name <prefix>' line");
      signature.name = fields[1];
      continue;
    }
    bool isInput = fields[0] == "input";
    if (!isInput && fields[0] != "output")
      return lineError("unknown keyword '" + fields[0] + "'");
    std::vector<IOSpec> &list = isInput ? signature.inputs : signature.outputs;
    int64_t index, rank;
    if (fields.size() < 5)
      return lineError("expected '" + fields[0] +
                       " <index> <name> <dtype> <rank> <dim>...'");
    if (!parseInt(fields[1], index) ||
        index != static_cast<int64_t>(list.size()))
      return lineError("index must be " + std::to_string(list.size()));
    IOSpec spec;
    if (!percentDecode(fields[2], spec.name))
      return lineError("bad name '" + fields[2] + "'");
    if (qopt_rt_dtype_from_name(fields[3].c_str(), &spec.dtype) != 0)
      return lineError("unknown dtype '" + fields[3] + "'");
    if (!parseInt(fields[4], rank) || rank > QOPT_RT_MAX_RANK)
      return lineError("bad rank '" + fields[4] + "'");
    if (fields.size() != static_cast<size_t>(5 + rank))
      return lineError("rank " + fields[4] + " needs " + fields[4] +
                       " dims, got " + std::to_string(fields.size() - 5));
    for (int64_t i = 0; i < rank; ++i) {
      const std::string &dimText = fields[5 + i];
      int64_t dim;
      std::string symbol;
      if (!dimText.empty() && dimText[0] == '?') {
        dim = -1;
        if (dimText.size() > 1 && !percentDecode(dimText.substr(1), symbol))
          return lineError("bad dim symbol '" + dimText + "'");
      } else if (!parseInt(dimText, dim)) {
        return lineError("bad dim '" + dimText + "'");
      }
      spec.dims.push_back(dim);
      spec.symbols.push_back(symbol);
    }
    for (const IOSpec &other : list)
      if (other.name == spec.name)
        return lineError("duplicate " + fields[0] + " name '" + spec.name +
                         "'");
    list.push_back(std::move(spec));
  }
  if (!sawHeader)
    return fail("bad signature: empty"), false;
  // Pointers into the vectors are stable from here on.
  for (std::vector<IOSpec> *list : {&signature.inputs, &signature.outputs})
    for (IOSpec &spec : *list)
      spec.info = {spec.name.c_str(), spec.dtype,
                   static_cast<int32_t>(spec.dims.size()), spec.dims.data()};
  return true;
}

int findByName(const std::vector<IOSpec> &list, const char *name,
               const char *kind) {
  for (size_t i = 0; i < list.size(); ++i)
    if (list[i].name == name)
      return static_cast<int>(i);
  std::string known;
  for (const IOSpec &spec : list)
    known += (known.empty() ? "" : ", ") + spec.name;
  return fail(std::string("unknown ") + kind + " '" + name + "' (model " +
              kind + "s: " + (known.empty() ? "none" : known) + ")");
}

} // namespace

struct qopt_rt_model {
  void *handle = nullptr;
  std::string path, prefix, signatureText;
  Signature signature;
  RunFn run = nullptr;
  bool cuda = false; // a GPU bundle (qopt_model_device() == "cuda")
  ~qopt_rt_model() {
    if (handle)
      dlclose(handle);
  }
};

namespace {

/// Checks one bound input against its signature entry.
bool checkInput(const IOSpec &spec, const qopt_rt_tensor *tensor) {
  std::string where = "input '" + spec.name + "'";
  if (!tensor)
    return fail(where + ": not bound"), false;
  if (tensor->dtype != spec.dtype)
    return fail(where + ": expected " + qopt_rt_dtype_name(spec.dtype) +
                ", got " + qopt_rt_dtype_name(tensor->dtype)),
           false;
  if (tensor->dims.size() != spec.dims.size())
    return fail(where + ": expected rank " + std::to_string(spec.dims.size()) +
                " " + formatDims(spec.dims.data(), spec.dims.size()) +
                ", got rank " + std::to_string(tensor->dims.size()) + " " +
                formatDims(tensor->dims.data(), tensor->dims.size())),
           false;
  for (size_t i = 0; i < spec.dims.size(); ++i)
    if (spec.dims[i] >= 0 && spec.dims[i] != tensor->dims[i])
      return fail(where + " dim " + std::to_string(i) + ": expected " +
                  std::to_string(spec.dims[i]) + ", got " +
                  std::to_string(tensor->dims[i])),
             false;
  return true;
}

/// A named dynamic dimension (ONNX dim_param) has one size across all
/// inputs: the compiled code relies on it (e.g. to broadcast).
struct SymbolBinding {
  int64_t size;
  std::string input;
  size_t dim;
};

bool checkSymbols(const IOSpec &spec, const qopt_rt_tensor *tensor,
                  std::map<std::string, SymbolBinding> &bound) {
  for (size_t i = 0; i < spec.symbols.size(); ++i) {
    const std::string &symbol = spec.symbols[i];
    if (symbol.empty())
      continue;
    auto [it, inserted] =
        bound.insert({symbol, {tensor->dims[i], spec.name, i}});
    if (!inserted && it->second.size != tensor->dims[i])
      return fail("input '" + spec.name + "' dim " + std::to_string(i) +
                  " ('" + symbol + "'): expected " +
                  std::to_string(it->second.size) + " as in input '" +
                  it->second.input + "' dim " +
                  std::to_string(it->second.dim) + ", got " +
                  std::to_string(tensor->dims[i])),
             false;
  }
  return true;
}

/// Turns the model's outputs into runtime tensors; frees every allocation on
/// failure. Distinct allocations get one shared owner each.
bool adoptOutputs(const qopt_rt_model &model, std::vector<qopt_tensor> &raw,
                  std::vector<std::vector<int64_t>> &shapes,
                  qopt_rt_tensor **outputs) {
  std::map<void *, std::shared_ptr<void>> owners;
  for (qopt_tensor &out : raw)
    if (out.allocation && !owners.count(out.allocation))
      owners[out.allocation] = std::shared_ptr<void>(out.allocation, std::free);
  const std::vector<IOSpec> &specs = model.signature.outputs;
  std::vector<std::unique_ptr<qopt_rt_tensor>> made;
  for (size_t i = 0; i < specs.size(); ++i) {
    const IOSpec &spec = specs[i];
    std::string where = "model '" + model.prefix + "' output '" + spec.name + "'";
    std::vector<int64_t> &dims = shapes[i];
    for (size_t d = 0; d < dims.size(); ++d)
      if (dims[d] < 0 || (spec.dims[d] >= 0 && spec.dims[d] != dims[d]))
        return fail(where + ": returned shape " +
                    formatDims(dims.data(), dims.size()) +
                    ", signature says " +
                    formatDims(spec.dims.data(), spec.dims.size())),
               false;
    int64_t count;
    size_t nbytes;
    if (!computeSize(spec.dtype, dims, count, nbytes))
      return fail(where + ": returned shape overflows"), false;
    auto tensor = std::make_unique<qopt_rt_tensor>();
    tensor->dtype = spec.dtype;
    tensor->dims = dims;
    tensor->name = spec.name;
    tensor->nbytes = nbytes;
    if (raw[i].allocation) {
      tensor->storage = owners[raw[i].allocation];
      tensor->data = raw[i].data;
    } else {
      // Not ours to free (e.g. static storage): copy it.
      if (nbytes && !raw[i].data)
        return fail(where + ": no data"), false;
      std::unique_ptr<qopt_rt_tensor> copy(newTensor(spec.dtype, dims));
      if (!copy)
        return false;
      if (nbytes)
        std::memcpy(copy->data, raw[i].data, nbytes);
      tensor->storage = copy->storage;
      tensor->data = copy->data;
    }
    if (nbytes && !tensor->data)
      return fail(where + ": no data"), false;
    made.push_back(std::move(tensor));
  }
  for (size_t i = 0; i < made.size(); ++i)
    outputs[i] = made[i].release();
  return true;
}

} // namespace

int qopt_rt_signature_check(const char *text, int32_t *numInputs,
                            int32_t *numOutputs) {
  clearError();
  if (!text)
    return fail("bad signature: NULL");
  Signature signature;
  if (!parseSignature(text, signature))
    return -1;
  if (numInputs)
    *numInputs = static_cast<int32_t>(signature.inputs.size());
  if (numOutputs)
    *numOutputs = static_cast<int32_t>(signature.outputs.size());
  return 0;
}

qopt_rt_model *qopt_rt_model_load(const char *path, const char *prefix) {
  clearError();
  if (!path) {
    fail("qopt_rt_model_load: NULL path");
    return nullptr;
  }
  auto model = std::make_unique<qopt_rt_model>();
  model->path = path;
  auto error = [&](const std::string &message) -> qopt_rt_model * {
    fail(model->path + ": " + message);
    return nullptr;
  };
  // dlopen searches the library path for names without a '/'.
  std::string openPath = std::strchr(path, '/') ? path : "./" + model->path;
  model->handle = dlopen(openPath.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!model->handle) {
    const char *message = dlerror();
    fail(message ? message : (model->path + ": cannot load"));
    return nullptr;
  }
  if (prefix) {
    model->prefix = prefix;
  } else {
    dlerror();
    auto prefixFn =
        reinterpret_cast<SignatureFn>(dlsym(model->handle, "qopt_model_prefix"));
    if (!prefixFn)
      return error("no qopt_model_prefix symbol: not a quant-opt model, or "
                   "give the model prefix explicitly");
    const char *value = prefixFn();
    if (!value || !*value)
      return error("qopt_model_prefix() returned an empty prefix");
    model->prefix = value;
  }
  // GPU bundles (quant-opt --target=nvptx) need the CUDA driver and a GPU.
  if (auto deviceFn = reinterpret_cast<SignatureFn>(
          dlsym(model->handle, "qopt_model_device"))) {
    const char *device = deviceFn();
    model->cuda = device && std::strcmp(device, "cuda") == 0;
    std::string why;
    if (model->cuda && !qopt::rt::cudaAvailable(why))
      return error("GPU model (compiled with --target=nvptx): " + why);
  }
  std::string signatureSymbol = model->prefix + "_signature";
  std::string runSymbol = model->prefix + "_run";
  auto signatureFn = reinterpret_cast<SignatureFn>(
      dlsym(model->handle, signatureSymbol.c_str()));
  if (!signatureFn)
    return error("missing symbol '" + signatureSymbol + "'");
  model->run = reinterpret_cast<RunFn>(dlsym(model->handle, runSymbol.c_str()));
  if (!model->run)
    return error("missing symbol '" + runSymbol + "'");
  const char *text = signatureFn();
  if (!text)
    return error(signatureSymbol + "() returned NULL");
  model->signatureText = text;
  if (!parseSignature(model->signatureText, model->signature))
    return error(qopt_rt_last_error());
  if (model->signature.name.empty())
    return error("bad signature: no 'name' line");
  if (model->signature.name != model->prefix)
    return error("signature name '" + model->signature.name +
                 "' does not match the prefix '" + model->prefix + "'");
  return model.release();
}

void qopt_rt_model_free(qopt_rt_model *model) { delete model; }

const char *qopt_rt_model_prefix(const qopt_rt_model *model) {
  return model->prefix.c_str();
}

const char *qopt_rt_model_signature(const qopt_rt_model *model) {
  return model->signatureText.c_str();
}

int32_t qopt_rt_model_num_inputs(const qopt_rt_model *model) {
  return static_cast<int32_t>(model->signature.inputs.size());
}

int32_t qopt_rt_model_num_outputs(const qopt_rt_model *model) {
  return static_cast<int32_t>(model->signature.outputs.size());
}

static const qopt_rt_io_info *ioAt(const std::vector<IOSpec> &list,
                                   int32_t index, const char *kind) {
  if (index < 0 || static_cast<size_t>(index) >= list.size()) {
    failf("%s index %d out of range (the model has %zu)", kind, index,
          list.size());
    return nullptr;
  }
  return &list[index].info;
}

const qopt_rt_io_info *qopt_rt_model_input(const qopt_rt_model *model,
                                           int32_t index) {
  return ioAt(model->signature.inputs, index, "input");
}

const qopt_rt_io_info *qopt_rt_model_output(const qopt_rt_model *model,
                                            int32_t index) {
  return ioAt(model->signature.outputs, index, "output");
}

int32_t qopt_rt_model_find_input(const qopt_rt_model *model,
                                 const char *name) {
  return findByName(model->signature.inputs, name, "input");
}

int32_t qopt_rt_model_find_output(const qopt_rt_model *model,
                                  const char *name) {
  return findByName(model->signature.outputs, name, "output");
}

int qopt_rt_model_run(qopt_rt_model *model,
                      const qopt_rt_tensor *const *inputs,
                      qopt_rt_tensor **outputs) {
  clearError();
  const Signature &signature = model->signature;
  for (size_t i = 0; i < signature.outputs.size(); ++i)
    outputs[i] = nullptr;
  std::vector<qopt_tensor> rawInputs(signature.inputs.size());
  std::map<std::string, SymbolBinding> symbols;
  for (size_t i = 0; i < signature.inputs.size(); ++i) {
    if (!checkInput(signature.inputs[i], inputs[i]) ||
        !checkSymbols(signature.inputs[i], inputs[i], symbols))
      return -1;
    // The ABI takes non-const pointers; the model only reads inputs.
    auto *tensor = const_cast<qopt_rt_tensor *>(inputs[i]);
    rawInputs[i] = {tensor->data, tensor->dims.data(), nullptr};
  }
  std::vector<std::vector<int64_t>> shapes(signature.outputs.size());
  std::vector<qopt_tensor> rawOutputs(signature.outputs.size());
  for (size_t i = 0; i < signature.outputs.size(); ++i) {
    // Pre-fill with the static dims; rank-0 outputs still get storage.
    shapes[i] = signature.outputs[i].dims;
    shapes[i].reserve(1);
    rawOutputs[i] = {nullptr, shapes[i].data(), nullptr};
  }
  int32_t code = model->run(rawInputs.data(), rawOutputs.data());
  if (code != 0) {
    std::vector<void *> freed;
    for (qopt_tensor &out : rawOutputs)
      if (out.allocation && std::find(freed.begin(), freed.end(),
                                      out.allocation) == freed.end()) {
        freed.push_back(out.allocation);
        std::free(out.allocation);
      }
    if (model->cuda)
      return failf("model '%s' failed: %s_run returned %d: %s",
                   model->prefix.c_str(), model->prefix.c_str(), code,
                   qopt::rt::cudaLastError().c_str());
    return failf("model '%s' failed: %s_run returned %d",
                 model->prefix.c_str(), model->prefix.c_str(), code);
  }
  return adoptOutputs(*model, rawOutputs, shapes, outputs) ? 0 : -1;
}

int qopt_rt_model_run_named(qopt_rt_model *model, int32_t count,
                            const char *const *names,
                            const qopt_rt_tensor *const *inputs,
                            qopt_rt_tensor **outputs) {
  clearError();
  const std::vector<IOSpec> &specs = model->signature.inputs;
  std::vector<const qopt_rt_tensor *> bound(specs.size(), nullptr);
  for (int32_t k = 0; k < count; ++k) {
    int index = findByName(specs, names[k], "input");
    if (index < 0)
      return -1;
    if (bound[index])
      return fail("input '" + specs[index].name + "' bound twice");
    bound[index] = inputs[k];
  }
  for (size_t i = 0; i < specs.size(); ++i)
    if (!bound[i])
      return fail("input '" + specs[i].name + "' not given");
  return qopt_rt_model_run(model, bound.data(), outputs);
}

int qopt_rt_model_benchmark(qopt_rt_model *model,
                            const qopt_rt_tensor *const *inputs, int32_t runs,
                            qopt_rt_benchmark_result *result) {
  clearError();
  if (runs < 1)
    return failf("benchmark needs at least 1 run, got %d", runs);
  std::vector<qopt_rt_tensor *> outputs(model->signature.outputs.size());
  auto freeOutputs = [&] {
    for (qopt_rt_tensor *&tensor : outputs) {
      qopt_rt_tensor_free(tensor);
      tensor = nullptr;
    }
  };
  std::vector<uint64_t> times;
  for (int32_t i = 0; i <= runs; ++i) {
    uint64_t start = qopt_rt_now_ns();
    if (qopt_rt_model_run(model, inputs, outputs.data()) != 0)
      return -1;
    uint64_t elapsed = qopt_rt_now_ns() - start;
    freeOutputs();
    if (i > 0) // Run 0 is the warm-up.
      times.push_back(elapsed);
  }
  std::sort(times.begin(), times.end());
  size_t middle = times.size() / 2;
  result->runs = runs;
  result->min_ns = times.front();
  result->max_ns = times.back();
  result->median_ns = times.size() % 2
                          ? times[middle]
                          : (times[middle - 1] + times[middle]) / 2;
  return 0;
}
