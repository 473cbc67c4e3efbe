/*===- quant_opt/runtime.h - quant-opt runtime C API ----------------------===*\
|*                                                                            *|
|* Loads models compiled by `quant-opt --emit=shared` (compiled-model ABI     *|
|* version 1, see docs/cpu-codegen.md), runs them, reads / writes tensors as  *|
|* ONNX TensorProto `.pb` and NumPy `.npy` / `.npz` files and iterates        *|
|* calibration datasets. Links neither LLVM nor MLIR: only libc, libdl,       *|
|* libpthread and (when the build found it) zlib.                             *|
|*                                                                            *|
|* Errors: functions that can fail return NULL, -1 or a negative value and    *|
|* set a per-thread message read with qopt_rt_last_error(). Nothing aborts.   *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef QUANT_OPT_RUNTIME_H
#define QUANT_OPT_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*===--- The compiled-model ABI (version 1) -------------------------------===*/

#ifndef QOPT_TENSOR_DEFINED
#define QOPT_TENSOR_DEFINED
/** One argument of `P_run`, exactly as docs/cpu-codegen.md defines it. */
typedef struct qopt_tensor {
  void *data;       /**< First element; dense, row-major.                    */
  int64_t *shape;   /**< `rank` dims; inputs: read; outputs: written.        */
  void *allocation; /**< Outputs: buffer to free(); inputs: NULL.            */
} qopt_tensor;
#endif

/** The ABI version this runtime loads. */
#define QOPT_RT_ABI_VERSION 1

/*===--- Errors -----------------------------------------------------------===*/

/** The message of the last failed call on this thread ("" if none). Valid
 *  until the next runtime call on this thread. */
const char *qopt_rt_last_error(void);

/*===--- Element types ----------------------------------------------------===*/

/** Element types; the values are ONNX's TensorProto.DataType codes. */
typedef enum qopt_dtype {
  QOPT_DTYPE_UNDEFINED = 0,
  QOPT_DTYPE_FLOAT = 1,
  QOPT_DTYPE_UINT8 = 2,
  QOPT_DTYPE_INT8 = 3,
  QOPT_DTYPE_UINT16 = 4,
  QOPT_DTYPE_INT16 = 5,
  QOPT_DTYPE_INT32 = 6,
  QOPT_DTYPE_INT64 = 7,
  QOPT_DTYPE_BOOL = 9,
  QOPT_DTYPE_FLOAT16 = 10,
  QOPT_DTYPE_DOUBLE = 11,
  QOPT_DTYPE_UINT32 = 12,
  QOPT_DTYPE_UINT64 = 13,
  QOPT_DTYPE_BFLOAT16 = 16
} qopt_dtype;

/** Bytes per element of `dtype`; 0 for an unsupported code. */
size_t qopt_rt_dtype_size(qopt_dtype dtype);

/** ONNX's name of `dtype` ("float", "int64", ...); "undefined" if unknown. */
const char *qopt_rt_dtype_name(qopt_dtype dtype);

/** Parses an ONNX dtype name. Returns 0 and sets `*dtype`, or -1. */
int qopt_rt_dtype_from_name(const char *name, qopt_dtype *dtype);

/*===--- Tensors owned by the runtime -------------------------------------===*/

/** A dense, row-major tensor with an optional name (the TensorProto name). */
typedef struct qopt_rt_tensor qopt_rt_tensor;

/** Largest rank the runtime accepts. */
#define QOPT_RT_MAX_RANK 32

/** Creates a zero-filled tensor (`dims` may be NULL when `rank` is 0). Its
 *  data is 64-byte aligned. Returns NULL on a bad dtype, a negative dim, a
 *  rank outside [0, QOPT_RT_MAX_RANK] or a size that overflows. */
qopt_rt_tensor *qopt_rt_tensor_create(qopt_dtype dtype, int32_t rank,
                                      const int64_t *dims);

/** Frees a tensor and, when it is the last user, its buffer. NULL is fine. */
void qopt_rt_tensor_free(qopt_rt_tensor *tensor);

/** Element type. */
qopt_dtype qopt_rt_tensor_dtype(const qopt_rt_tensor *tensor);
/** Number of dimensions (0 for a scalar). */
int32_t qopt_rt_tensor_rank(const qopt_rt_tensor *tensor);
/** The `rank` dimensions (not NULL even for rank 0). */
const int64_t *qopt_rt_tensor_dims(const qopt_rt_tensor *tensor);
/** Number of elements (1 for a scalar). */
int64_t qopt_rt_tensor_num_elements(const qopt_rt_tensor *tensor);
/** Size of the data in bytes. */
size_t qopt_rt_tensor_nbytes(const qopt_rt_tensor *tensor);
/** Pointer to the first element (writable). */
void *qopt_rt_tensor_data(qopt_rt_tensor *tensor);
/** Name (the TensorProto `name`, or the ONNX output name); "" if unset. */
const char *qopt_rt_tensor_name(const qopt_rt_tensor *tensor);
/** Sets the name; returns 0, or -1 if `name` is NULL. */
int qopt_rt_tensor_set_name(qopt_rt_tensor *tensor, const char *name);

/*===--- Loading a compiled model -----------------------------------------===*/

/** A loaded compiled model (the dlopen'ed `.so` and its parsed signature). */
typedef struct qopt_rt_model qopt_rt_model;

/** What the signature says about one input or output. Owned by the model. */
typedef struct qopt_rt_io_info {
  const char *name;     /**< ONNX name (percent-decoded).                 */
  qopt_dtype dtype;     /**< Element type.                                */
  int32_t rank;         /**< Number of dimensions.                        */
  const int64_t *dims;  /**< `rank` dims; -1 means dynamic (`?`).         */
} qopt_rt_io_info;

/** Opens `path` with dlopen(RTLD_NOW | RTLD_LOCAL). `prefix` names the model
 *  (`P` of `P_signature` / `P_run`); when NULL it is read from the library's
 *  `qopt_model_prefix()`. Parses and validates the signature. Errors name the
 *  file: dlopen failure, missing symbols, bad signature line, unsupported ABI
 *  version, a signature name different from the prefix. */
qopt_rt_model *qopt_rt_model_load(const char *path, const char *prefix);

/** dlcloses the model. Tensors it returned stay valid. NULL is fine. */
void qopt_rt_model_free(qopt_rt_model *model);

/** The model prefix `P`. */
const char *qopt_rt_model_prefix(const qopt_rt_model *model);
/** The raw signature text. */
const char *qopt_rt_model_signature(const qopt_rt_model *model);
/** Number of graph inputs. */
int32_t qopt_rt_model_num_inputs(const qopt_rt_model *model);
/** Number of graph outputs. */
int32_t qopt_rt_model_num_outputs(const qopt_rt_model *model);
/** Input `index`, or NULL (with an error) when out of range. */
const qopt_rt_io_info *qopt_rt_model_input(const qopt_rt_model *model,
                                           int32_t index);
/** Output `index`, or NULL (with an error) when out of range. */
const qopt_rt_io_info *qopt_rt_model_output(const qopt_rt_model *model,
                                            int32_t index);
/** Index of the input called `name`, or -1 (with an error). */
int32_t qopt_rt_model_find_input(const qopt_rt_model *model, const char *name);
/** Index of the output called `name`, or -1 (with an error). */
int32_t qopt_rt_model_find_output(const qopt_rt_model *model,
                                  const char *name);

/** Parses signature text alone (for tools and tests) and checks it: returns 0
 *  and stores the input / output counts (either pointer may be NULL), or -1
 *  with an error naming the line. */
int qopt_rt_signature_check(const char *text, int32_t *num_inputs,
                            int32_t *num_outputs);

/*===--- Running ----------------------------------------------------------===*/

/** Runs the model with `inputs[i]` bound to input i (all num_inputs must be
 *  non-NULL). Before calling the model, checks each input's dtype, rank and
 *  static dims against the signature ("input 'x': expected float, got int64",
 *  "input 'x' dim 1: expected 4, got 5"). On success stores num_outputs new
 *  tensors in `outputs` (named after the ONNX outputs; the caller frees them)
 *  and returns 0. Outputs sharing one model allocation share one buffer,
 *  released once. On failure returns -1 and leaves `outputs` NULL. */
int qopt_rt_model_run(qopt_rt_model *model,
                      const qopt_rt_tensor *const *inputs,
                      qopt_rt_tensor **outputs);

/** Like qopt_rt_model_run, with inputs bound by ONNX name: `inputs[k]` goes to
 *  the input called `names[k]`, k < count. Every model input must be bound
 *  exactly once; unknown names are errors. */
int qopt_rt_model_run_named(qopt_rt_model *model, int32_t count,
                            const char *const *names,
                            const qopt_rt_tensor *const *inputs,
                            qopt_rt_tensor **outputs);

/** Latency statistics of qopt_rt_model_benchmark, in nanoseconds. */
typedef struct qopt_rt_benchmark_result {
  int32_t runs;
  uint64_t median_ns, min_ns, max_ns;
} qopt_rt_benchmark_result;

/** One warm-up run, then `runs` (>= 1) timed runs of qopt_rt_model_run;
 *  outputs are discarded. Returns 0, or -1 when a run fails. */
int qopt_rt_model_benchmark(qopt_rt_model *model,
                            const qopt_rt_tensor *const *inputs, int32_t runs,
                            qopt_rt_benchmark_result *result);

/*===--- Timing and memory ------------------------------------------------===*/

/** CLOCK_MONOTONIC in nanoseconds. */
uint64_t qopt_rt_now_ns(void);
/** Peak resident set size of this process in bytes (getrusage), or -1. */
int64_t qopt_rt_peak_rss_bytes(void);

/**
 * Makes glibc's malloc keep freed memory for reuse instead of returning it to
 * the system (mallopt M_MMAP_THRESHOLD and M_TRIM_THRESHOLD raised to 1 GiB).
 * Compiled models allocate their temporaries on every run; without this each
 * large temporary is a fresh mmap whose pages fault in again, which can cost
 * more than the computation. Process-wide: call it once from a program that
 * runs models repeatedly (quant-run does). Returns 0, or -1 where the C
 * library has no mallopt.
 */
int qopt_rt_keep_freed_memory(void);

/**
 * Asks the OpenMP runtime of compiled models to keep its worker threads
 * spinning between parallel regions (sets OMP_WAIT_POLICY=active unless the
 * environment already sets it). Waking a sleeping worker can cost up to a
 * millisecond on a virtual machine, ten times a small model's run; spinning
 * threads cost CPU time between runs instead. Call it before the first model
 * runs (OpenMP reads the variable once). quant-run does. Returns 0.
 */
int qopt_rt_prefer_spinning_threads(void);

/*===--- Tensor files -----------------------------------------------------===*/

/** Decodes an ONNX TensorProto from memory: dims, data_type, name and the
 *  data from raw_data or the typed fields (float_data, int32_data,
 *  int64_data, double_data, uint64_data). `what` names the source in errors.
 *  Bounds-checked; malformed input is an error, never a crash. */
qopt_rt_tensor *qopt_rt_parse_pb(const void *bytes, size_t size,
                                 const char *what);
/** Reads a TensorProto `.pb` file; errors name the file. */
qopt_rt_tensor *qopt_rt_read_pb(const char *path);
/** Writes a TensorProto (dims, data_type, name, raw_data) to `path`. */
int qopt_rt_write_pb(const char *path, const qopt_rt_tensor *tensor);

/** Reads a `.npy` file (format 1.0, 2.0 or 3.0; little-endian or
 *  byte-sized dtypes; C order: fortran_order is rejected). */
qopt_rt_tensor *qopt_rt_read_npy(const char *path);
/** Writes a `.npy` file (format 1.0, or 2.0 for a long header). bfloat16 has
 *  no NumPy dtype and is rejected. */
int qopt_rt_write_npy(const char *path, const qopt_rt_tensor *tensor);

/** Reads `path` as `.npy` if its name ends in ".npy", else as `.pb`. */
qopt_rt_tensor *qopt_rt_read_tensor_file(const char *path);

/** Writes `tensors[i]` to DIR/output_<i>.pb, i < count, all or nothing: each
 *  goes to a temporary file in `dir` first; they are renamed only when every
 *  write succeeded, else the temporary files are removed. */
int qopt_rt_write_outputs_pb(const char *dir, int32_t count,
                             const qopt_rt_tensor *const *tensors);

/*===--- Comparing --------------------------------------------------------===*/

/** Result of qopt_rt_compare. */
typedef struct qopt_rt_compare_result {
  int dtype_match;      /**< 1 if the dtypes are equal.                      */
  int shape_match;      /**< 1 if rank and every dim are equal.              */
  int64_t count;        /**< Elements compared (0 unless dtype/shape match). */
  int64_t mismatches;   /**< Elements with |a-b| > atol + rtol*|b|.          */
  double max_abs_error; /**< max |a-b| over finite pairs.                    */
  double max_rel_error; /**< max |a-b| / |b| over finite pairs with b != 0.  */
} qopt_rt_compare_result;

/** Compares `actual` with `expected` element by element in double precision:
 *  a pair matches when |a-b| <= atol + rtol*|b|, or both are NaN, or both are
 *  the same infinity. Returns 1 when everything matches (dtype, shape,
 *  values), 0 otherwise, -1 on bad arguments. */
int qopt_rt_compare(const qopt_rt_tensor *actual,
                    const qopt_rt_tensor *expected, double rtol, double atol,
                    qopt_rt_compare_result *result);

/** Reads element `index` of `tensor` converted to double (fp16 / bf16
 *  decoded; bool as 0 / 1). No bounds check beyond the caller's. */
double qopt_rt_tensor_get_double(const qopt_rt_tensor *tensor, int64_t index);

/*===--- Calibration datasets ---------------------------------------------===*/

/** A calibration dataset: a sequence of samples, each one tensor per model
 *  input. Sources (chosen from `path` and `options->kind`):
 *
 *  - QOPT_RT_DATASET_ONNX_DIR: a directory holding `test_data_set_<i>`
 *    directories (the ONNX backend-test layout), each with `input_<j>.pb`;
 *    set i is sample i (numeric order of i).
 *  - QOPT_RT_DATASET_NPY_DIR: a directory of `NAME.npy` files, one per input
 *    (NAME = the input's name, or `input_<j>` for position j).
 *  - QOPT_RT_DATASET_NPZ: an `.npz` file (a zip of `NAME.npy` entries, stored
 *    or deflated), same naming as the `.npy` directory.
 *    For `.npy` / `.npz` arrays, an array whose rank is the input's rank + 1
 *    holds one sample per index of its first dimension; an array of the
 *    input's rank is split along dim 0 into chunks of the input's static
 *    dim 0 (or is one sample when dim 0 is dynamic). All inputs must give the
 *    same number of samples.
 *  - QOPT_RT_DATASET_TOKENS: a raw file of token ids (`token_dtype` uint8 =
 *    bytes as byte-level tokens, uint16 or int32 little-endian), cut into
 *    non-overlapping windows of `window` tokens (a shorter tail is dropped);
 *    each window becomes a [1, window] tensor of the input's integer dtype
 *    (int64 or int32) bound to the input named `token_input` (NULL: the
 *    input called "input_ids", else input 0). An input called
 *    "attention_mask" gets ones; any other input is an error.
 *  - QOPT_RT_DATASET_AUTO: a directory with `test_data_set_*` is ONNX_DIR,
 *    another directory NPY_DIR, a file ending in ".npz" NPZ; anything else
 *    is an error (token files must say TOKENS).
 *
 *  Matching to the model inputs (qopt_rt_dataset_bind): by name when every
 *  input's name is found (.pb tensor names, file / entry names); otherwise by
 *  position (`input_<j>`). Each sample's tensors are checked against the
 *  input's dtype, rank and static dims. Errors name the file: empty dataset,
 *  missing input, dtype / shape mismatch, NaN / Inf in float data when
 *  `reject_nonfinite` is set, a compressed npz entry this build cannot
 *  inflate, truncated files. */
typedef struct qopt_rt_dataset qopt_rt_dataset;

/** Kinds of dataset sources. */
typedef enum qopt_rt_dataset_kind {
  QOPT_RT_DATASET_AUTO = 0,
  QOPT_RT_DATASET_ONNX_DIR = 1,
  QOPT_RT_DATASET_NPY_DIR = 2,
  QOPT_RT_DATASET_NPZ = 3,
  QOPT_RT_DATASET_TOKENS = 4
} qopt_rt_dataset_kind;

/** Options of qopt_rt_dataset_open; zero-initialize, then set fields (or
 *  pass NULL for all defaults). */
typedef struct qopt_rt_dataset_options {
  qopt_rt_dataset_kind kind;    /**< Source kind (AUTO by default).        */
  int reject_nonfinite;         /**< Non-zero: NaN / Inf is an error.      */
  qopt_dtype token_dtype;       /**< TOKENS: UINT8, UINT16 or INT32.       */
  int64_t window;               /**< TOKENS: tokens per sample (>= 1).     */
  const char *token_input;      /**< TOKENS: input to fill (NULL: auto).   */
  int64_t max_samples;          /**< > 0: use at most this many samples.   */
} qopt_rt_dataset_options;

/** Opens a dataset. ONNX_DIR indexes the test_data_set_* directories and
 *  reads their .pb files sample by sample; NPY_DIR, NPZ and TOKENS read every
 *  array / the token file now. Returns NULL with an error naming the path on
 *  a missing, unreadable, corrupt or empty source. */
qopt_rt_dataset *qopt_rt_dataset_open(const char *path,
                                      const qopt_rt_dataset_options *options);

/** Frees the dataset. NULL is fine. */
void qopt_rt_dataset_free(qopt_rt_dataset *dataset);

/** Binds the dataset to model inputs described by `inputs[0..count)` (from
 *  qopt_rt_model_input, or built by a compiler pass from the ONNX graph):
 *  matches names / positions and checks the first sample. Returns 0 or -1.
 *  Must be called before qopt_rt_dataset_next / _get. */
int qopt_rt_dataset_bind(qopt_rt_dataset *dataset, int32_t count,
                         const qopt_rt_io_info *inputs);

/** qopt_rt_dataset_bind with the inputs of a loaded model. */
int qopt_rt_dataset_bind_model(qopt_rt_dataset *dataset,
                               const qopt_rt_model *model);

/** Number of samples (after max_samples). Before qopt_rt_dataset_bind it
 *  is known for ONNX_DIR and TOKENS only; NPY_DIR / NPZ return -1 until the
 *  input shapes say how the arrays split into samples. */
int64_t qopt_rt_dataset_num_samples(const qopt_rt_dataset *dataset);

/** Reads sample `index` into `tensors[0..count)` (count = bound inputs, in
 *  input order; the caller frees each). Returns 0, or -1 with an error
 *  naming the file (and leaves `tensors` NULL). */
int qopt_rt_dataset_get(qopt_rt_dataset *dataset, int64_t index,
                        qopt_rt_tensor **tensors);

/** Reads the next sample (starting at 0): returns 1 with `tensors` filled,
 *  0 at the end, -1 on error. */
int qopt_rt_dataset_next(qopt_rt_dataset *dataset, qopt_rt_tensor **tensors);

/** Restarts qopt_rt_dataset_next at sample 0. */
void qopt_rt_dataset_reset(qopt_rt_dataset *dataset);

/** Reads a whole `.npz` archive: returns the number of arrays and stores a
 *  malloc'ed array of tensors (named after the entries without ".npy") in
 *  `*tensors` (free each with qopt_rt_tensor_free, then free() the array),
 *  or -1 with an error. */
int32_t qopt_rt_read_npz(const char *path, qopt_rt_tensor ***tensors);

/*===--- Compiling (runs the quant-opt executable) ------------------------===*/

/** Runs `quant_opt MODEL --emit=shared -o OUT_SO [--model-name NAME]` with
 *  posix_spawn and waits. Returns 0 on exit status 0; else -1 with an error
 *  holding quant-opt's exit status and its stderr. */
int qopt_rt_compile_model(const char *quant_opt, const char *model_path,
                          const char *out_so, const char *model_name);

/*===--- Evaluation (runtime/lib/Eval.cpp) --------------------------------===*/

/** -log softmax(logits)[target] in nats, computed in double precision.
 *  `target` must be in [0, vocab); returns NAN otherwise. */
double qopt_rt_token_nll(const float *logits, int64_t vocab, int64_t target);

/** KL(P || Q) in nats with P = softmax(reference), Q = softmax(logits) (the
 *  reference distribution first, as llama.cpp's --kl-divergence). Double
 *  precision; 0 for identical rows. */
double qopt_rt_token_kld(const float *reference, const float *logits,
                         int64_t vocab);

/** Index of the largest of `count` values (the first one on ties); -1 when
 *  count < 1. */
int64_t qopt_rt_argmax(const float *values, int64_t count);

/** The q-quantile (0 <= q <= 1) of `count` values with linear interpolation
 *  between order statistics (NumPy's default): sorts a copy. NAN when count
 *  is 0. */
double qopt_rt_quantile(const double *values, int64_t count, double q);

/** One window of sliding-window scoring: the model sees tokens
 *  [begin, end) and the targets [score_begin, end) are scored, each predicted
 *  by the logits at position target - 1 - begin of the window. */
typedef struct qopt_rt_window {
  int64_t begin, end, score_begin;
} qopt_rt_window;

/** Plans sliding-window scoring of `num_tokens` tokens (the standard
 *  Hugging Face scheme): window w covers [w*stride, min(w*stride + context,
 *  num_tokens)); the first window scores every target it can predict (tokens
 *  1 .. end-1), each later window only the tokens past the previous window's
 *  end (its last `stride` tokens); it stops at the window that reaches the
 *  last token. Every token but the first is scored exactly once (a stride
 *  equal to the context would leave each window's first token without a
 *  prediction, so stride < context). Stores at most `capacity` windows
 *  (windows may be NULL) and returns how many there are, or -1 when
 *  num_tokens < 2, context < 2 or stride is outside [1, context - 1]. */
int64_t qopt_rt_plan_windows(int64_t num_tokens, int64_t context,
                             int64_t stride, qopt_rt_window *windows,
                             int64_t capacity);

/** Reads a token file: `.npy` / `.pb` files hold integer token ids (any
 *  integer dtype, any shape, flattened); anything else is raw bytes, one
 *  token per byte (ids 0..255). On success stores a malloc'ed array (free()
 *  it) and its length (>= 1) and returns 0; an empty file, a float tensor or
 *  a negative id is an error naming the file. */
int qopt_rt_read_tokens(const char *path, int64_t **tokens, int64_t *count);

/** Options of qopt_rt_eval_perplexity. */
typedef struct qopt_rt_lm_eval_options {
  int64_t context;     /**< Window length (tokens).                         */
  int64_t stride;      /**< Window advance; 1 <= stride < context.          */
  int64_t max_context; /**< Longest sequence the model supports; 0: the
                            input's static sequence dimension, if any.      */
} qopt_rt_lm_eval_options;

/** Result of qopt_rt_eval_perplexity. Logarithms are natural (nats). */
typedef struct qopt_rt_lm_eval_result {
  int64_t vocab;            /**< Size of the logits' last dimension.          */
  int64_t windows;          /**< Model runs (per model).                      */
  int64_t scored_tokens;    /**< Targets scored (num_tokens - 1).             */
  int64_t processed_tokens; /**< Sum of window lengths (tokens through the
                                 model).                                      */
  double nll_sum;           /**< Sum of per-target NLL.                       */
  double mean_nll;          /**< nll_sum / scored_tokens.                     */
  double perplexity;        /**< exp(mean_nll).                               */
  double bits_per_token;    /**< mean_nll / ln 2 (bits per byte for a byte
                                 model).                                      */
  double run_seconds;       /**< Wall time inside the model's runs.           */
  /* Filled when a reference model is given (else 0). */
  int compared;             /**< 1 when the fields below are valid.           */
  double ref_mean_nll, ref_perplexity, ref_bits_per_token, ref_run_seconds;
  double kld_mean;          /**< Mean per-target KL(reference || model).     */
  double kld_median, kld_p99, kld_max;
  double top1_agreement;    /**< Fraction of targets where both argmaxes
                                 agree.                                       */
  double max_abs_logit_diff; /**< max |model - reference| over every scored
                                  position's logits.                          */
} qopt_rt_lm_eval_result;

/** Perplexity of a causal LM over `tokens` with sliding windows
 *  (qopt_rt_plan_windows): the model must have one integer input
 *  [batch, sequence] and a float output [batch, sequence, vocab] (the output
 *  called "logits" if there is one, else output 0); batch is 1. When
 *  `reference` is not NULL it runs on the same windows and the comparison
 *  fields are filled (same vocabulary required). When either model has a
 *  static sequence length (it must equal the context), the last window is
 *  moved back to hold `context` tokens; it scores the same targets. Errors: a model without
 *  that shape, a context above max_context, a token id >= vocab, fewer than
 *  2 tokens. Returns 0, or -1 with an error. */
int qopt_rt_eval_perplexity(qopt_rt_model *model, qopt_rt_model *reference,
                            const int64_t *tokens, int64_t num_tokens,
                            const qopt_rt_lm_eval_options *options,
                            qopt_rt_lm_eval_result *result);

/** Result of qopt_rt_generate_greedy. */
typedef struct qopt_rt_generate_result {
  int64_t prompt_tokens;
  int64_t generated;          /**< New tokens written to `out`.             */
  double ttft_seconds;        /**< Prompt run + first argmax.               */
  double decode_seconds;      /**< The generated-1 single-token steps.      */
  double prefill_tokens_per_second; /**< prompt_tokens / ttft_seconds.      */
  double decode_tokens_per_second;  /**< (generated-1) / decode_seconds.    */
} qopt_rt_generate_result;

/** Greedy decoding with a KV-cache decode model: inputs "input_ids" (integer
 *  [batch, new]) and cache inputs named "past_key_values.*" (float, rank 4
 *  [batch, heads, past, head_dim], heads and head_dim static), outputs
 *  "logits" [batch, new, vocab] and, for each cache input, "present.*" (the
 *  same suffix) with the cache extended by `new`. The prompt runs as one step
 *  on an empty cache; each later step feeds the last token. Stops after
 *  `max_new` tokens or when prompt + generated tokens reach max_context (0:
 *  no limit). Writes the new tokens to `out` (capacity max_new). */
int qopt_rt_generate_greedy(qopt_rt_model *model, const int64_t *prompt,
                            int64_t prompt_tokens, int64_t max_new,
                            int64_t max_context, int64_t *out,
                            qopt_rt_generate_result *result);

/** Result of qopt_rt_eval_accuracy. */
typedef struct qopt_rt_accuracy_result {
  int64_t count;   /**< Labelled examples.          */
  int64_t correct; /**< Top-1 predictions == label. */
  double accuracy; /**< correct / count.            */
  double run_seconds;
} qopt_rt_accuracy_result;

/** Top-1 accuracy of `logits` ([N, classes], float) against `labels`
 *  (integer, N elements). Stores the N predictions in `predictions` when not
 *  NULL. Returns 0, or -1 on mismatched shapes or dtypes. */
int qopt_rt_top1_accuracy(const qopt_rt_tensor *logits,
                          const qopt_rt_tensor *labels, int64_t *predictions,
                          qopt_rt_accuracy_result *result);

/** Top-1 accuracy of a classifier on a labelled data set laid out like
 *  models/digits_cnn/heldout: DIR/test_data_set_<k>/input_0.pb (k = 0, 1,
 *  ...; one input per set, a batch of examples) and DIR/labels.pb, the labels
 *  of every set's examples in order. The model has one input and its output
 *  0 is [N, classes]. When `predictions` is not NULL it receives a malloc'ed
 *  array of the `result->count` predictions (free() it). */
int qopt_rt_eval_accuracy(qopt_rt_model *model, const char *dir,
                          int64_t **predictions,
                          qopt_rt_accuracy_result *result);

#ifdef __cplusplus
} /* extern "C" */

#endif

#endif /* QUANT_OPT_RUNTIME_H */
