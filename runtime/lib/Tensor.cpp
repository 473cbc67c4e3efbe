//===- Tensor.cpp - Runtime tensors, dtypes, errors, timing ---------------===//

#include "Internal.h"

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <malloc.h>
#include <new>
#include <sys/resource.h>

using namespace qopt::rt;

namespace {
thread_local std::string lastError;

struct DTypeEntry {
  qopt_dtype dtype;
  const char *name;
  size_t size;
};
constexpr DTypeEntry kDTypes[] = {
    {QOPT_DTYPE_FLOAT, "float", 4},     {QOPT_DTYPE_DOUBLE, "double", 8},
    {QOPT_DTYPE_FLOAT16, "float16", 2}, {QOPT_DTYPE_BFLOAT16, "bfloat16", 2},
    {QOPT_DTYPE_INT8, "int8", 1},       {QOPT_DTYPE_UINT8, "uint8", 1},
    {QOPT_DTYPE_INT16, "int16", 2},     {QOPT_DTYPE_UINT16, "uint16", 2},
    {QOPT_DTYPE_INT32, "int32", 4},     {QOPT_DTYPE_UINT32, "uint32", 4},
    {QOPT_DTYPE_INT64, "int64", 8},     {QOPT_DTYPE_UINT64, "uint64", 8},
    {QOPT_DTYPE_BOOL, "bool", 1},
};

const DTypeEntry *lookup(qopt_dtype dtype) {
  for (const DTypeEntry &entry : kDTypes)
    if (entry.dtype == dtype)
      return &entry;
  return nullptr;
}

void freeAligned(void *pointer) { std::free(pointer); }
} // namespace

int qopt::rt::fail(std::string message) {
  lastError = std::move(message);
  return -1;
}

int qopt::rt::failf(const char *format, ...) {
  char buffer[1024];
  va_list args;
  va_start(args, format);
  vsnprintf(buffer, sizeof(buffer), format, args);
  va_end(args);
  return fail(buffer);
}

void qopt::rt::clearError() { lastError.clear(); }

bool qopt::rt::computeSize(qopt_dtype dtype, const std::vector<int64_t> &dims,
                           int64_t &numElements, size_t &nbytes) {
  size_t elementSize = qopt_rt_dtype_size(dtype);
  if (!elementSize)
    return false;
  int64_t count = 1;
  for (int64_t dim : dims) {
    if (dim < 0)
      return false;
    if (dim != 0 && count > (INT64_MAX / 8) / dim)
      return false;
    count *= dim;
  }
  numElements = count;
  nbytes = static_cast<size_t>(count) * elementSize;
  return true;
}

qopt_rt_tensor *qopt::rt::newTensor(qopt_dtype dtype,
                                    const std::vector<int64_t> &dims) {
  if (!lookup(dtype)) {
    failf("unsupported element type %d", static_cast<int>(dtype));
    return nullptr;
  }
  if (dims.size() > QOPT_RT_MAX_RANK) {
    failf("rank %zu exceeds the maximum of %d", dims.size(), QOPT_RT_MAX_RANK);
    return nullptr;
  }
  int64_t count;
  size_t nbytes;
  if (!computeSize(dtype, dims, count, nbytes)) {
    fail("bad shape " + formatDims(dims.data(), dims.size()) +
         ": negative dim or size overflow");
    return nullptr;
  }
  // aligned_alloc wants a multiple of the alignment; never 0 bytes.
  size_t allocated = (nbytes + 63) / 64 * 64;
  if (allocated == 0)
    allocated = 64;
  void *data = std::aligned_alloc(64, allocated);
  if (!data) {
    failf("out of memory allocating %zu bytes", nbytes);
    return nullptr;
  }
  std::memset(data, 0, allocated);
  auto *tensor = new qopt_rt_tensor;
  tensor->dtype = dtype;
  tensor->dims = dims;
  tensor->storage = std::shared_ptr<void>(data, freeAligned);
  tensor->data = data;
  tensor->nbytes = nbytes;
  return tensor;
}

std::string qopt::rt::formatDims(const int64_t *dims, size_t rank) {
  std::string text = "[";
  for (size_t i = 0; i < rank; ++i) {
    if (i)
      text += ", ";
    text += dims[i] < 0 ? std::string("?") : std::to_string(dims[i]);
  }
  return text + "]";
}

bool qopt::rt::readFile(const char *path, std::string &contents) {
  FILE *file = std::fopen(path, "rb");
  if (!file)
    return fail(std::string(path) + ": cannot open: " + std::strerror(errno)),
           false;
  contents.clear();
  char buffer[1 << 16];
  size_t got;
  bool bad = false;
  try {
    while ((got = std::fread(buffer, 1, sizeof(buffer), file)) > 0)
      contents.append(buffer, got);
  } catch (const std::bad_alloc &) {
    bad = true; // The C API never lets an exception escape.
  }
  bad = bad || std::ferror(file);
  std::fclose(file);
  if (bad)
    return fail(std::string(path) + ": read error"), false;
  return true;
}

bool qopt::rt::writeFile(const char *path, const void *data, size_t size) {
  FILE *file = std::fopen(path, "wb");
  if (!file)
    return fail(std::string(path) + ": cannot create: " +
                std::strerror(errno)),
           false;
  bool ok = std::fwrite(data, 1, size, file) == size;
  ok = (std::fclose(file) == 0) && ok;
  if (!ok) {
    std::remove(path);
    return fail(std::string(path) + ": write error"), false;
  }
  return true;
}

//===----------------------------------------------------------------------===//
// C API
//===----------------------------------------------------------------------===//

const char *qopt_rt_last_error(void) { return lastError.c_str(); }

size_t qopt_rt_dtype_size(qopt_dtype dtype) {
  const DTypeEntry *entry = lookup(dtype);
  return entry ? entry->size : 0;
}

const char *qopt_rt_dtype_name(qopt_dtype dtype) {
  const DTypeEntry *entry = lookup(dtype);
  return entry ? entry->name : "undefined";
}

int qopt_rt_dtype_from_name(const char *name, qopt_dtype *dtype) {
  if (!name || !dtype)
    return fail("qopt_rt_dtype_from_name: NULL argument");
  for (const DTypeEntry &entry : kDTypes)
    if (std::strcmp(entry.name, name) == 0) {
      *dtype = entry.dtype;
      return 0;
    }
  return fail(std::string("unknown element type '") + name + "'");
}

qopt_rt_tensor *qopt_rt_tensor_create(qopt_dtype dtype, int32_t rank,
                                      const int64_t *dims) {
  clearError();
  if (rank < 0 || rank > QOPT_RT_MAX_RANK || (rank > 0 && !dims)) {
    failf("qopt_rt_tensor_create: bad rank %d", rank);
    return nullptr;
  }
  return newTensor(dtype, std::vector<int64_t>(dims, dims + rank));
}

void qopt_rt_tensor_free(qopt_rt_tensor *tensor) { delete tensor; }

qopt_dtype qopt_rt_tensor_dtype(const qopt_rt_tensor *tensor) {
  return tensor->dtype;
}

int32_t qopt_rt_tensor_rank(const qopt_rt_tensor *tensor) {
  return static_cast<int32_t>(tensor->dims.size());
}

const int64_t *qopt_rt_tensor_dims(const qopt_rt_tensor *tensor) {
  static const int64_t kNone = 0;
  return tensor->dims.empty() ? &kNone : tensor->dims.data();
}

int64_t qopt_rt_tensor_num_elements(const qopt_rt_tensor *tensor) {
  int64_t count = 1;
  for (int64_t dim : tensor->dims)
    count *= dim;
  return count;
}

size_t qopt_rt_tensor_nbytes(const qopt_rt_tensor *tensor) {
  return tensor->nbytes;
}

void *qopt_rt_tensor_data(qopt_rt_tensor *tensor) { return tensor->data; }

const char *qopt_rt_tensor_name(const qopt_rt_tensor *tensor) {
  return tensor->name.c_str();
}

int qopt_rt_tensor_set_name(qopt_rt_tensor *tensor, const char *name) {
  if (!name)
    return fail("qopt_rt_tensor_set_name: NULL name");
  tensor->name = name;
  return 0;
}

uint64_t qopt_rt_now_ns(void) {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<uint64_t>(now.tv_sec) * 1000000000ull +
         static_cast<uint64_t>(now.tv_nsec);
}

int qopt_rt_keep_freed_memory(void) {
#if defined(__GLIBC__)
  constexpr int kOneGiB = 1 << 30;
  if (mallopt(M_MMAP_THRESHOLD, kOneGiB) != 1 ||
      mallopt(M_TRIM_THRESHOLD, kOneGiB) != 1)
    return -1;
  return 0;
#else
  return -1;
#endif
}

int qopt_rt_prefer_spinning_threads(void) {
  setenv("OMP_WAIT_POLICY", "active", /*overwrite=*/0);
  return 0;
}

int64_t qopt_rt_peak_rss_bytes(void) {
  rusage usage;
  if (getrusage(RUSAGE_SELF, &usage) != 0)
    return fail(std::string("getrusage: ") + std::strerror(errno));
  return static_cast<int64_t>(usage.ru_maxrss) * 1024; // Linux: kilobytes.
}
