//===- Internal.h - Shared pieces of the runtime implementation -*- C++ -*-===//
//
// Not installed: the tensor representation, the per-thread error and helpers
// the .pb / .npy readers and the model loader share.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_RUNTIME_INTERNAL_H
#define QOPT_RUNTIME_INTERNAL_H

#include "quant_opt/runtime.h"

#include <memory>
#include <string>
#include <vector>

struct qopt_rt_tensor {
  qopt_dtype dtype = QOPT_DTYPE_UNDEFINED;
  std::vector<int64_t> dims;
  std::string name;
  /// Keeps the buffer alive; several tensors may share one (model outputs
  /// that share an allocation).
  std::shared_ptr<void> storage;
  void *data = nullptr;
  size_t nbytes = 0;
};

namespace qopt::rt {

/// Sets this thread's error message. Always returns -1 so callers can write
/// `return fail(...)`.
int fail(std::string message);
/// printf-style fail().
int failf(const char *format, ...) __attribute__((format(printf, 1, 2)));
/// Clears the error at the start of an API call.
void clearError();

/// Element count of `dims` (1 for rank 0) and its byte size for `dtype`; false
/// when a dim is negative or the size overflows.
bool computeSize(qopt_dtype dtype, const std::vector<int64_t> &dims,
                 int64_t &numElements, size_t &nbytes);

/// A new zero-filled tensor, or nullptr with an error.
qopt_rt_tensor *newTensor(qopt_dtype dtype, const std::vector<int64_t> &dims);

/// "[3, 4, 5]" ("[]" for a scalar); -1 prints as "?".
std::string formatDims(const int64_t *dims, size_t rank);

/// Reads a whole file; false with an error naming it.
bool readFile(const char *path, std::string &contents);
/// Writes `size` bytes to `path` (created / truncated); false with an error.
bool writeFile(const char *path, const void *data, size_t size);

/// Decodes the bytes of a `.npy` file; errors start with `path`.
qopt_rt_tensor *parseNpy(const std::string &contents, const std::string &path);

/// The bytes of a TensorProto holding `tensor` (dims, data_type, name,
/// raw_data).
std::string encodePb(const qopt_rt_tensor &tensor);

} // namespace qopt::rt

#endif // QOPT_RUNTIME_INTERNAL_H
