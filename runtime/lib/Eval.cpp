//===- Eval.cpp - Evaluation metrics: perplexity, KLD, generation, accuracy ===//
//
// The quality metrics quant-run and the Python package report, computed on
// the outputs of compiled models run through this runtime: sliding-window
// perplexity with an optional reference model (KL divergence, top-1
// agreement, max |delta logit|), greedy generation with a KV-cache decode
// model (time to first token, decode speed) and classifier accuracy.
//
//===----------------------------------------------------------------------===//

#include "Internal.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <sys/stat.h>
#include <vector>

using namespace qopt::rt;

namespace {

struct TensorDeleter {
  void operator()(qopt_rt_tensor *tensor) const { qopt_rt_tensor_free(tensor); }
};
using Tensor = std::unique_ptr<qopt_rt_tensor, TensorDeleter>;

bool isInteger(qopt_dtype dtype) {
  switch (dtype) {
  case QOPT_DTYPE_UINT8:
  case QOPT_DTYPE_INT8:
  case QOPT_DTYPE_UINT16:
  case QOPT_DTYPE_INT16:
  case QOPT_DTYPE_INT32:
  case QOPT_DTYPE_INT64:
  case QOPT_DTYPE_UINT32:
  case QOPT_DTYPE_UINT64:
    return true;
  default:
    return false;
  }
}

/// Log-sum-exp of a row, in double.
double logSumExp(const float *row, int64_t count) {
  double maximum = -INFINITY;
  for (int64_t i = 0; i < count; ++i)
    maximum = std::max(maximum, static_cast<double>(row[i]));
  double sum = 0;
  for (int64_t i = 0; i < count; ++i)
    sum += std::exp(static_cast<double>(row[i]) - maximum);
  return maximum + std::log(sum);
}

/// Runs `model` with one input and returns its outputs, owned.
int runOne(qopt_rt_model *model, const qopt_rt_tensor *input,
           std::vector<Tensor> &outputs, double &seconds) {
  int32_t count = qopt_rt_model_num_outputs(model);
  std::vector<qopt_rt_tensor *> raw(count, nullptr);
  uint64_t start = qopt_rt_now_ns();
  if (qopt_rt_model_run(model, &input, raw.data()) != 0)
    return -1;
  seconds += (qopt_rt_now_ns() - start) * 1e-9;
  outputs.clear();
  for (qopt_rt_tensor *tensor : raw)
    outputs.emplace_back(tensor);
  return 0;
}

/// The output called `name` if there is one, else output 0.
int32_t outputIndex(qopt_rt_model *model, const char *name) {
  for (int32_t i = 0; i < qopt_rt_model_num_outputs(model); ++i)
    if (std::strcmp(qopt_rt_model_output(model, i)->name, name) == 0)
      return i;
  return 0;
}

/// Checks that `model` looks like a causal LM: one integer input of rank 2,
/// a float output of rank 3. Stores the input's dtype, its static sequence
/// dimension (-1 if dynamic) and the logits output index.
int checkLanguageModel(qopt_rt_model *model, const char *role,
                       qopt_dtype &inputDtype, int64_t &staticSequence,
                       int32_t &logits) {
  const char *prefix = qopt_rt_model_prefix(model);
  if (qopt_rt_model_num_inputs(model) != 1)
    return failf("%s model '%s' has %d inputs; a causal LM has one integer "
                 "input [batch, sequence]",
                 role, prefix, qopt_rt_model_num_inputs(model));
  const qopt_rt_io_info *input = qopt_rt_model_input(model, 0);
  if (!isInteger(input->dtype) || input->rank != 2)
    return failf("%s model '%s': input '%s' is %s of rank %d; a causal LM "
                 "takes integer token ids [batch, sequence]",
                 role, prefix, input->name, qopt_rt_dtype_name(input->dtype),
                 input->rank);
  if (qopt_rt_model_num_outputs(model) < 1)
    return failf("%s model '%s' has no outputs", role, prefix);
  logits = outputIndex(model, "logits");
  const qopt_rt_io_info *output = qopt_rt_model_output(model, logits);
  if (output->dtype != QOPT_DTYPE_FLOAT || output->rank != 3)
    return failf("%s model '%s': output '%s' is %s of rank %d; expected "
                 "float logits [batch, sequence, vocab]",
                 role, prefix, output->name,
                 qopt_rt_dtype_name(output->dtype), output->rank);
  inputDtype = input->dtype;
  staticSequence = input->dims[1];
  if (input->dims[0] >= 0 && input->dims[0] != 1)
    return failf("%s model '%s': input '%s' has a static batch of %lld; "
                 "evaluation runs batch 1",
                 role, prefix, input->name,
                 static_cast<long long>(input->dims[0]));
  return 0;
}

/// A [1, length] tensor of `dtype` holding tokens[begin, begin + length).
Tensor makeTokenTensor(qopt_dtype dtype, const int64_t *tokens,
                       int64_t length) {
  int64_t dims[2] = {1, length};
  Tensor tensor(qopt_rt_tensor_create(dtype, 2, dims));
  if (!tensor)
    return tensor;
  void *data = qopt_rt_tensor_data(tensor.get());
  for (int64_t i = 0; i < length; ++i) {
    switch (dtype) {
    case QOPT_DTYPE_INT64:
    case QOPT_DTYPE_UINT64:
      static_cast<int64_t *>(data)[i] = tokens[i];
      break;
    case QOPT_DTYPE_INT32:
    case QOPT_DTYPE_UINT32:
      static_cast<int32_t *>(data)[i] = static_cast<int32_t>(tokens[i]);
      break;
    case QOPT_DTYPE_INT16:
    case QOPT_DTYPE_UINT16:
      static_cast<int16_t *>(data)[i] = static_cast<int16_t>(tokens[i]);
      break;
    default:
      static_cast<uint8_t *>(data)[i] = static_cast<uint8_t>(tokens[i]);
      break;
    }
  }
  return tensor;
}

/// The largest id `dtype` holds.
int64_t maxTokenFor(qopt_dtype dtype) {
  switch (dtype) {
  case QOPT_DTYPE_INT8:
    return 127;
  case QOPT_DTYPE_UINT8:
    return 255;
  case QOPT_DTYPE_INT16:
    return 32767;
  case QOPT_DTYPE_UINT16:
    return 65535;
  case QOPT_DTYPE_INT32:
    return 2147483647;
  default:
    return INT64_MAX;
  }
}

/// Checks a logits output of a run: float [1, length, vocab].
int checkLogits(const qopt_rt_tensor *logits, int64_t length, int64_t vocab,
                const char *role) {
  const int64_t *dims = qopt_rt_tensor_dims(logits);
  if (qopt_rt_tensor_dtype(logits) != QOPT_DTYPE_FLOAT ||
      qopt_rt_tensor_rank(logits) != 3 || dims[0] != 1 || dims[1] != length ||
      (vocab > 0 && dims[2] != vocab) || dims[2] < 1)
    return failf("%s model returned logits %s; expected [1, %lld, %s]", role,
                 formatDims(dims, qopt_rt_tensor_rank(logits)).c_str(),
                 static_cast<long long>(length),
                 vocab > 0 ? std::to_string(vocab).c_str() : "vocab");
  return 0;
}

} // namespace

double qopt_rt_token_nll(const float *logits, int64_t vocab, int64_t target) {
  if (!logits || vocab < 1 || target < 0 || target >= vocab)
    return NAN;
  return logSumExp(logits, vocab) - static_cast<double>(logits[target]);
}

double qopt_rt_token_kld(const float *reference, const float *logits,
                         int64_t vocab) {
  if (!reference || !logits || vocab < 1)
    return NAN;
  double refLse = logSumExp(reference, vocab);
  double lse = logSumExp(logits, vocab);
  double sum = 0;
  for (int64_t i = 0; i < vocab; ++i) {
    double logP = reference[i] - refLse;
    double logQ = logits[i] - lse;
    double p = std::exp(logP);
    if (p > 0)
      sum += p * (logP - logQ);
  }
  // Rounding can make the sum of a near-zero divergence slightly negative.
  return std::max(sum, 0.0);
}

int64_t qopt_rt_argmax(const float *values, int64_t count) {
  if (!values || count < 1)
    return -1;
  int64_t best = 0;
  for (int64_t i = 1; i < count; ++i)
    if (values[i] > values[best])
      best = i;
  return best;
}

double qopt_rt_quantile(const double *values, int64_t count, double q) {
  if (!values || count < 1 || !(q >= 0 && q <= 1))
    return NAN;
  std::vector<double> sorted(values, values + count);
  std::sort(sorted.begin(), sorted.end());
  double position = q * static_cast<double>(count - 1);
  int64_t lower = static_cast<int64_t>(std::floor(position));
  int64_t upper = std::min(lower + 1, count - 1);
  double fraction = position - static_cast<double>(lower);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction;
}

int64_t qopt_rt_plan_windows(int64_t num_tokens, int64_t context,
                             int64_t stride, qopt_rt_window *windows,
                             int64_t capacity) {
  if (num_tokens < 2 || context < 2 || stride < 1 || stride >= context)
    return -1;
  int64_t count = 0, previousEnd = 0;
  for (int64_t begin = 0;; begin += stride) {
    int64_t end = std::min(begin + context, num_tokens);
    int64_t scoreBegin = std::max(previousEnd, begin + 1);
    if (windows && count < capacity)
      windows[count] = {begin, end, scoreBegin};
    ++count;
    previousEnd = end;
    if (end == num_tokens)
      break;
  }
  return count;
}

int qopt_rt_read_tokens(const char *path, int64_t **tokens, int64_t *count) {
  clearError();
  if (!path || !tokens || !count)
    return fail("qopt_rt_read_tokens: NULL argument");
  *tokens = nullptr;
  *count = 0;
  std::string name = path;
  auto endsWith = [&](const char *suffix) {
    size_t length = std::strlen(suffix);
    return name.size() >= length &&
           name.compare(name.size() - length, length, suffix) == 0;
  };
  std::vector<int64_t> ids;
  if (endsWith(".npy") || endsWith(".pb")) {
    Tensor tensor(qopt_rt_read_tensor_file(path));
    if (!tensor)
      return -1;
    qopt_dtype dtype = qopt_rt_tensor_dtype(tensor.get());
    if (!isInteger(dtype))
      return failf("%s: token ids must be integers, got %s", path,
                   qopt_rt_dtype_name(dtype));
    int64_t n = qopt_rt_tensor_num_elements(tensor.get());
    ids.resize(n);
    for (int64_t i = 0; i < n; ++i) {
      double value = qopt_rt_tensor_get_double(tensor.get(), i);
      if (value < 0)
        return failf("%s: token %lld is negative (%.0f)", path,
                     static_cast<long long>(i), value);
      ids[i] = static_cast<int64_t>(value);
    }
  } else {
    std::string bytes;
    if (!readFile(path, bytes))
      return -1;
    ids.reserve(bytes.size());
    for (unsigned char byte : bytes)
      ids.push_back(byte);
  }
  if (ids.empty())
    return failf("%s: no tokens (empty file)", path);
  *tokens = static_cast<int64_t *>(std::malloc(ids.size() * sizeof(int64_t)));
  if (!*tokens)
    return failf("%s: out of memory", path);
  std::memcpy(*tokens, ids.data(), ids.size() * sizeof(int64_t));
  *count = static_cast<int64_t>(ids.size());
  return 0;
}

int qopt_rt_eval_perplexity(qopt_rt_model *model, qopt_rt_model *reference,
                            const int64_t *tokens, int64_t num_tokens,
                            const qopt_rt_lm_eval_options *options,
                            qopt_rt_lm_eval_result *result) {
  clearError();
  if (!model || !tokens || !options || !result)
    return fail("qopt_rt_eval_perplexity: NULL argument");
  *result = qopt_rt_lm_eval_result{};
  qopt_dtype dtype, refDtype = QOPT_DTYPE_INT64;
  int64_t staticSequence, refStaticSequence = -1;
  int32_t logitsIndex, refLogitsIndex = 0;
  if (checkLanguageModel(model, "the", dtype, staticSequence, logitsIndex))
    return -1;
  if (reference && checkLanguageModel(reference, "the reference", refDtype,
                                      refStaticSequence, refLogitsIndex))
    return -1;
  int64_t context = options->context, stride = options->stride;
  if (num_tokens < 2)
    return failf("perplexity needs at least 2 tokens, got %lld",
                 static_cast<long long>(num_tokens));
  if (context < 2)
    return failf("context must be at least 2, got %lld",
                 static_cast<long long>(context));
  if (stride < 1 || stride >= context)
    return failf("stride must be in [1, context - 1 = %lld] (each window's "
                 "first token only gives context), got %lld",
                 static_cast<long long>(context - 1),
                 static_cast<long long>(stride));
  int64_t maxContext = options->max_context;
  if (maxContext <= 0 && staticSequence > 0)
    maxContext = staticSequence;
  if (maxContext > 0 && context > maxContext)
    return failf("context %lld is larger than the model supports (%lld)",
                 static_cast<long long>(context),
                 static_cast<long long>(maxContext));
  // A model with a static sequence length only runs full windows.
  bool fullWindows = false;
  for (int64_t fixed : {staticSequence, refStaticSequence}) {
    fullWindows |= fixed > 0;
    if (fixed > 0 && (fixed != context || num_tokens < context))
      return failf("the model's sequence length is static (%lld): use "
                   "--context %lld and at least that many tokens",
                   static_cast<long long>(fixed),
                   static_cast<long long>(fixed));
  }
  int64_t limit = std::min(maxTokenFor(dtype), maxTokenFor(refDtype));
  for (int64_t i = 0; i < num_tokens; ++i)
    if (tokens[i] < 0 || tokens[i] > limit)
      return failf("token %lld (id %lld) does not fit the model's input type",
                   static_cast<long long>(i),
                   static_cast<long long>(tokens[i]));

  int64_t numWindows =
      qopt_rt_plan_windows(num_tokens, context, stride, nullptr, 0);
  std::vector<qopt_rt_window> windows(numWindows);
  qopt_rt_plan_windows(num_tokens, context, stride, windows.data(),
                       numWindows);
  // For a static sequence length the last window, which may be shorter, is
  // moved back to end at the last token with `context` tokens: it scores the
  // same targets, with more context.
  if (fullWindows)
    windows.back().begin = windows.back().end - context;

  int64_t vocab = 0;
  double nllSum = 0, refNllSum = 0, maxDiff = 0;
  int64_t agree = 0;
  std::vector<double> klds;
  if (reference)
    klds.reserve(num_tokens);
  std::vector<Tensor> outputs, refOutputs;
  for (const qopt_rt_window &window : windows) {
    int64_t length = window.end - window.begin;
    Tensor input = makeTokenTensor(dtype, tokens + window.begin, length);
    if (!input || runOne(model, input.get(), outputs, result->run_seconds))
      return -1;
    const qopt_rt_tensor *logits = outputs[logitsIndex].get();
    if (checkLogits(logits, length, vocab, "the"))
      return -1;
    if (vocab == 0) {
      // Ids outside the vocabulary would be clamped by the embedding lookup,
      // never reported: check every token (inputs too) once vocab is known.
      vocab = qopt_rt_tensor_dims(logits)[2];
      for (int64_t i = 0; i < num_tokens; ++i)
        if (tokens[i] >= vocab)
          return failf("token %lld (id %lld) is outside the model's "
                       "vocabulary of %lld",
                       static_cast<long long>(i),
                       static_cast<long long>(tokens[i]),
                       static_cast<long long>(vocab));
    }
    const float *data = static_cast<const float *>(
        qopt_rt_tensor_data(const_cast<qopt_rt_tensor *>(logits)));
    const float *refData = nullptr;
    if (reference) {
      Tensor refInput =
          makeTokenTensor(refDtype, tokens + window.begin, length);
      if (!refInput || runOne(reference, refInput.get(), refOutputs,
                              result->ref_run_seconds))
        return -1;
      const qopt_rt_tensor *refLogits = refOutputs[refLogitsIndex].get();
      if (checkLogits(refLogits, length, vocab, "the reference"))
        return -1;
      refData = static_cast<const float *>(
          qopt_rt_tensor_data(const_cast<qopt_rt_tensor *>(refLogits)));
    }
    for (int64_t target = window.score_begin; target < window.end; ++target) {
      int64_t position = target - 1 - window.begin;
      const float *row = data + position * vocab;
      nllSum += qopt_rt_token_nll(row, vocab, tokens[target]);
      if (!reference)
        continue;
      const float *refRow = refData + position * vocab;
      refNllSum += qopt_rt_token_nll(refRow, vocab, tokens[target]);
      klds.push_back(qopt_rt_token_kld(refRow, row, vocab));
      agree += qopt_rt_argmax(row, vocab) == qopt_rt_argmax(refRow, vocab);
      for (int64_t v = 0; v < vocab; ++v)
        maxDiff = std::max(
            maxDiff, std::fabs(static_cast<double>(row[v]) - refRow[v]));
    }
    result->processed_tokens += length;
  }
  int64_t scored = num_tokens - 1;
  result->vocab = vocab;
  result->windows = numWindows;
  result->scored_tokens = scored;
  result->nll_sum = nllSum;
  result->mean_nll = nllSum / scored;
  result->perplexity = std::exp(result->mean_nll);
  result->bits_per_token = result->mean_nll / std::log(2.0);
  if (reference) {
    result->compared = 1;
    result->ref_mean_nll = refNllSum / scored;
    result->ref_perplexity = std::exp(result->ref_mean_nll);
    result->ref_bits_per_token = result->ref_mean_nll / std::log(2.0);
    double kldSum = 0;
    for (double kld : klds)
      kldSum += kld;
    result->kld_mean = kldSum / scored;
    result->kld_median = qopt_rt_quantile(klds.data(), scored, 0.5);
    result->kld_p99 = qopt_rt_quantile(klds.data(), scored, 0.99);
    result->kld_max = *std::max_element(klds.begin(), klds.end());
    result->top1_agreement = static_cast<double>(agree) / scored;
    result->max_abs_logit_diff = maxDiff;
  }
  return 0;
}

namespace {

/// The decode model's inputs and outputs, found by name.
struct DecodeLayout {
  int32_t ids = -1, logits = -1;
  qopt_dtype idsDtype = QOPT_DTYPE_INT64;
  std::vector<int32_t> cacheInputs, cacheOutputs;
};

int findDecodeLayout(qopt_rt_model *model, DecodeLayout &layout) {
  const char *prefix = qopt_rt_model_prefix(model);
  const std::string past = "past_key_values.";
  for (int32_t i = 0; i < qopt_rt_model_num_inputs(model); ++i) {
    const qopt_rt_io_info *input = qopt_rt_model_input(model, i);
    std::string name = input->name;
    if (name == "input_ids") {
      if (!isInteger(input->dtype) || input->rank != 2)
        return failf("decode model '%s': input 'input_ids' must be integer "
                     "[batch, new]",
                     prefix);
      layout.ids = i;
      layout.idsDtype = input->dtype;
      continue;
    }
    if (name.rfind(past, 0) != 0)
      return failf("decode model '%s': unexpected input '%s' (a KV-cache "
                   "decode model takes 'input_ids' and 'past_key_values.*')",
                   prefix, input->name);
    if (input->dtype != QOPT_DTYPE_FLOAT || input->rank != 4 ||
        input->dims[1] < 0 || input->dims[3] < 0)
      return failf("decode model '%s': cache input '%s' must be float "
                   "[batch, heads, past, head_dim] with static heads and "
                   "head_dim, got %s %s",
                   prefix, input->name, qopt_rt_dtype_name(input->dtype),
                   formatDims(input->dims, input->rank).c_str());
    std::string present = "present." + name.substr(past.size());
    int32_t out = -1;
    for (int32_t k = 0; k < qopt_rt_model_num_outputs(model); ++k)
      if (present == qopt_rt_model_output(model, k)->name)
        out = k;
    if (out < 0)
      return failf("decode model '%s': no output '%s' for cache input '%s'",
                   prefix, present.c_str(), input->name);
    layout.cacheInputs.push_back(i);
    layout.cacheOutputs.push_back(out);
  }
  if (layout.ids < 0)
    return failf("decode model '%s' has no input 'input_ids'", prefix);
  if (layout.cacheInputs.empty())
    return failf("decode model '%s' has no 'past_key_values.*' inputs: "
                 "--generate needs the KV-cache decode graph",
                 prefix);
  for (int32_t k = 0; k < qopt_rt_model_num_outputs(model); ++k)
    if (std::strcmp(qopt_rt_model_output(model, k)->name, "logits") == 0)
      layout.logits = k;
  if (layout.logits < 0)
    return failf("decode model '%s' has no output 'logits'", prefix);
  return 0;
}

} // namespace

int qopt_rt_generate_greedy(qopt_rt_model *model, const int64_t *prompt,
                            int64_t prompt_tokens, int64_t max_new,
                            int64_t max_context, int64_t *out,
                            qopt_rt_generate_result *result) {
  clearError();
  if (!model || !prompt || !out || !result)
    return fail("qopt_rt_generate_greedy: NULL argument");
  *result = qopt_rt_generate_result{};
  if (prompt_tokens < 1)
    return fail("generation needs a prompt of at least one token");
  if (max_new < 1)
    return failf("the number of tokens to generate must be positive, got %lld",
                 static_cast<long long>(max_new));
  if (max_context > 0 && prompt_tokens >= max_context)
    return failf("the prompt (%lld tokens) leaves no room in the model's "
                 "context of %lld",
                 static_cast<long long>(prompt_tokens),
                 static_cast<long long>(max_context));
  DecodeLayout layout;
  if (findDecodeLayout(model, layout))
    return -1;
  int64_t limit = maxTokenFor(layout.idsDtype);
  for (int64_t i = 0; i < prompt_tokens; ++i)
    if (prompt[i] < 0 || prompt[i] > limit)
      return failf("prompt token %lld (id %lld) does not fit the model's "
                   "input type",
                   static_cast<long long>(i),
                   static_cast<long long>(prompt[i]));
  if (max_context > 0)
    max_new = std::min(max_new, max_context - prompt_tokens);

  int32_t numInputs = qopt_rt_model_num_inputs(model);
  int32_t numOutputs = qopt_rt_model_num_outputs(model);
  // The empty cache: [1, heads, 0, head_dim].
  std::vector<Tensor> cache;
  for (int32_t index : layout.cacheInputs) {
    const qopt_rt_io_info *info = qopt_rt_model_input(model, index);
    int64_t dims[4] = {1, info->dims[1], 0, info->dims[3]};
    cache.emplace_back(qopt_rt_tensor_create(QOPT_DTYPE_FLOAT, 4, dims));
    if (!cache.back())
      return -1;
  }
  Tensor ids =
      makeTokenTensor(layout.idsDtype, prompt, prompt_tokens);
  if (!ids)
    return -1;
  int64_t generated = 0;
  uint64_t start = qopt_rt_now_ns(), firstDone = 0;
  std::vector<const qopt_rt_tensor *> inputs(numInputs);
  std::vector<qopt_rt_tensor *> raw(numOutputs);
  while (generated < max_new) {
    inputs[layout.ids] = ids.get();
    for (size_t k = 0; k < cache.size(); ++k)
      inputs[layout.cacheInputs[k]] = cache[k].get();
    if (qopt_rt_model_run(model, inputs.data(), raw.data()) != 0)
      return -1;
    std::vector<Tensor> outputs;
    for (qopt_rt_tensor *tensor : raw)
      outputs.emplace_back(tensor);
    const qopt_rt_tensor *logits = outputs[layout.logits].get();
    int64_t fed = qopt_rt_tensor_dims(ids.get())[1];
    if (checkLogits(logits, fed, 0, "the decode"))
      return -1;
    int64_t vocab = qopt_rt_tensor_dims(logits)[2];
    const float *last =
        static_cast<const float *>(
            qopt_rt_tensor_data(const_cast<qopt_rt_tensor *>(logits))) +
        (fed - 1) * vocab;
    int64_t next = qopt_rt_argmax(last, vocab);
    out[generated++] = next;
    if (generated == 1)
      firstDone = qopt_rt_now_ns();
    for (size_t k = 0; k < cache.size(); ++k) {
      Tensor &present = outputs[layout.cacheOutputs[k]];
      const int64_t *dims = qopt_rt_tensor_dims(present.get());
      const int64_t *before = qopt_rt_tensor_dims(cache[k].get());
      if (qopt_rt_tensor_rank(present.get()) != 4 ||
          dims[2] != before[2] + fed)
        return failf("decode model: output '%s' is %s; expected the cache "
                     "extended by %lld positions",
                     qopt_rt_tensor_name(present.get()),
                     formatDims(dims, qopt_rt_tensor_rank(present.get()))
                         .c_str(),
                     static_cast<long long>(fed));
      cache[k] = std::move(present);
    }
    ids = makeTokenTensor(layout.idsDtype, &next, 1);
    if (!ids)
      return -1;
  }
  uint64_t end = qopt_rt_now_ns();
  result->prompt_tokens = prompt_tokens;
  result->generated = generated;
  result->ttft_seconds = (firstDone - start) * 1e-9;
  result->decode_seconds = (end - firstDone) * 1e-9;
  result->prefill_tokens_per_second =
      prompt_tokens / std::max(result->ttft_seconds, 1e-12);
  result->decode_tokens_per_second =
      generated > 1 ? (generated - 1) / std::max(result->decode_seconds, 1e-12)
                    : 0;
  return 0;
}

int qopt_rt_top1_accuracy(const qopt_rt_tensor *logits,
                          const qopt_rt_tensor *labels, int64_t *predictions,
                          qopt_rt_accuracy_result *result) {
  clearError();
  if (!logits || !labels || !result)
    return fail("qopt_rt_top1_accuracy: NULL argument");
  *result = qopt_rt_accuracy_result{};
  const int64_t *dims = qopt_rt_tensor_dims(logits);
  if (qopt_rt_tensor_dtype(logits) != QOPT_DTYPE_FLOAT ||
      qopt_rt_tensor_rank(logits) != 2 || dims[1] < 1)
    return failf("classifier output '%s' is %s %s; expected float "
                 "[N, classes]",
                 qopt_rt_tensor_name(logits),
                 qopt_rt_dtype_name(qopt_rt_tensor_dtype(logits)),
                 formatDims(dims, qopt_rt_tensor_rank(logits)).c_str());
  if (!isInteger(qopt_rt_tensor_dtype(labels)))
    return failf("labels must be integers, got %s",
                 qopt_rt_dtype_name(qopt_rt_tensor_dtype(labels)));
  int64_t count = dims[0], classes = dims[1];
  if (qopt_rt_tensor_num_elements(labels) != count)
    return failf("%lld labels for %lld predictions",
                 static_cast<long long>(qopt_rt_tensor_num_elements(labels)),
                 static_cast<long long>(count));
  const float *data = static_cast<const float *>(
      qopt_rt_tensor_data(const_cast<qopt_rt_tensor *>(logits)));
  for (int64_t i = 0; i < count; ++i) {
    int64_t predicted = qopt_rt_argmax(data + i * classes, classes);
    if (predictions)
      predictions[i] = predicted;
    result->correct +=
        predicted == static_cast<int64_t>(qopt_rt_tensor_get_double(labels, i));
  }
  result->count = count;
  result->accuracy =
      count ? static_cast<double>(result->correct) / count : 0.0;
  return 0;
}

int qopt_rt_eval_accuracy(qopt_rt_model *model, const char *dir,
                          int64_t **predictions,
                          qopt_rt_accuracy_result *result) {
  clearError();
  if (!model || !dir || !result)
    return fail("qopt_rt_eval_accuracy: NULL argument");
  *result = qopt_rt_accuracy_result{};
  if (predictions)
    *predictions = nullptr;
  const char *prefix = qopt_rt_model_prefix(model);
  if (qopt_rt_model_num_inputs(model) != 1)
    return failf("classifier '%s' has %d inputs; --accuracy needs a model "
                 "with one input",
                 prefix, qopt_rt_model_num_inputs(model));
  struct stat info;
  if (stat(dir, &info) != 0 || !S_ISDIR(info.st_mode))
    return failf("%s: no such directory", dir);
  std::string labelsPath = std::string(dir) + "/labels.pb";
  if (stat(labelsPath.c_str(), &info) != 0)
    return failf("%s: no such file (a labelled data set has DIR/labels.pb "
                 "and DIR/test_data_set_<k>/input_0.pb)",
                 labelsPath.c_str());
  Tensor labels(qopt_rt_read_pb(labelsPath.c_str()));
  if (!labels)
    return -1;
  if (!isInteger(qopt_rt_tensor_dtype(labels.get())))
    return failf("%s: labels must be integers, got %s", labelsPath.c_str(),
                 qopt_rt_dtype_name(qopt_rt_tensor_dtype(labels.get())));
  int64_t total = qopt_rt_tensor_num_elements(labels.get());
  std::vector<int64_t> predicted;
  int64_t correct = 0;
  int32_t logitsIndex = outputIndex(model, "logits");
  for (int k = 0;; ++k) {
    std::string set = std::string(dir) + "/test_data_set_" + std::to_string(k);
    if (stat(set.c_str(), &info) != 0)
      break;
    std::string inputPath = set + "/input_0.pb";
    Tensor input(qopt_rt_read_pb(inputPath.c_str()));
    if (!input)
      return -1;
    std::vector<Tensor> outputs;
    if (runOne(model, input.get(), outputs, result->run_seconds))
      return failf("%s: %s", inputPath.c_str(),
                   std::string(qopt_rt_last_error()).c_str());
    const qopt_rt_tensor *logits = outputs[logitsIndex].get();
    int64_t rows = qopt_rt_tensor_rank(logits) >= 1
                       ? qopt_rt_tensor_dims(logits)[0]
                       : 0;
    int64_t offset = static_cast<int64_t>(predicted.size());
    if (offset + rows > total)
      return failf("%s: %lld labels, but the data sets hold more examples",
                   labelsPath.c_str(), static_cast<long long>(total));
    // The labels of this set: a view of the slice as its own tensor.
    int64_t labelDims[1] = {rows};
    Tensor slice(qopt_rt_tensor_create(QOPT_DTYPE_INT64, 1, labelDims));
    if (!slice)
      return -1;
    auto *sliceData =
        static_cast<int64_t *>(qopt_rt_tensor_data(slice.get()));
    for (int64_t i = 0; i < rows; ++i)
      sliceData[i] = static_cast<int64_t>(
          qopt_rt_tensor_get_double(labels.get(), offset + i));
    predicted.resize(offset + rows);
    qopt_rt_accuracy_result part;
    if (qopt_rt_top1_accuracy(logits, slice.get(), predicted.data() + offset,
                              &part))
      return failf("%s: %s", set.c_str(), qopt_rt_last_error());
    correct += part.correct;
  }
  if (predicted.empty())
    return failf("%s: no test_data_set_0 directory", dir);
  if (static_cast<int64_t>(predicted.size()) != total)
    return failf("%s: %lld labels for %lld examples", labelsPath.c_str(),
                 static_cast<long long>(total),
                 static_cast<long long>(predicted.size()));
  result->count = total;
  result->correct = correct;
  result->accuracy = static_cast<double>(correct) / total;
  if (predictions) {
    *predictions =
        static_cast<int64_t *>(std::malloc(total * sizeof(int64_t)));
    if (!*predictions)
      return fail("out of memory");
    std::memcpy(*predictions, predicted.data(), total * sizeof(int64_t));
  }
  return 0;
}
