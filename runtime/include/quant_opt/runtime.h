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

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* QUANT_OPT_RUNTIME_H */
