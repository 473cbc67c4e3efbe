//===- CudaDriver.cpp - GPU bundles on the CUDA driver API ----------------===//
//
// The functions the host code of a GPU model bundle calls (quant-opt
// --target=nvptx --emit=shared): MLIR's gpu-to-llvm runtime interface
// (mgpuModuleLoadJIT, mgpuModuleGetFunction, mgpuLaunchKernel,
// mgpuStreamCreate / Synchronize / Destroy, mgpuMemAlloc, ...) and quant-opt's
// qopt_cuda_run_begin / _end / qopt_cuda_free, implemented on the CUDA
// driver API. libcuda.so.1 is opened with dlopen the first time it is
// needed: the runtime has no link-time CUDA dependency and loads on machines
// without a driver, where GPU models fail with a clear message instead.
//
// Errors never abort: the first failure of a run is recorded, later calls of
// the run do nothing, and qopt_cuda_run_end() reports it (P_run returns
// non-zero; the runtime's error message names the failing CUDA call).
//
//===----------------------------------------------------------------------===//

#include "CudaDriver.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace {

// The subset of the driver API used here, declared without cuda.h.
using CUresult = int;
using CUdevice = int;
using CUcontext = void *;
using CUmodule = void *;
using CUfunction = void *;
using CUstream = void *;
using CUdeviceptr = unsigned long long;
constexpr int CU_JIT_ERROR_LOG_BUFFER = 5;
constexpr int CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6;
constexpr int CU_JIT_OPTIMIZATION_LEVEL = 7;
constexpr unsigned CU_MEM_ATTACH_GLOBAL = 1;
constexpr int CUDA_ERROR_NO_DEVICE = 100;

struct Driver {
  CUresult (*cuInit)(unsigned);
  CUresult (*cuDriverGetVersion)(int *);
  CUresult (*cuDeviceGetCount)(int *);
  CUresult (*cuDeviceGet)(CUdevice *, int);
  CUresult (*cuDeviceGetName)(char *, int, CUdevice);
  CUresult (*cuDeviceGetAttribute)(int *, int, CUdevice);
  CUresult (*cuDevicePrimaryCtxRetain)(CUcontext *, CUdevice);
  CUresult (*cuCtxSetCurrent)(CUcontext);
  CUresult (*cuCtxSynchronize)();
  CUresult (*cuModuleLoadDataEx)(CUmodule *, const void *, unsigned, int *,
                                 void **);
  CUresult (*cuModuleLoadData)(CUmodule *, const void *);
  CUresult (*cuModuleUnload)(CUmodule);
  CUresult (*cuModuleGetFunction)(CUfunction *, CUmodule, const char *);
  CUresult (*cuLaunchKernel)(CUfunction, unsigned, unsigned, unsigned,
                             unsigned, unsigned, unsigned, unsigned, CUstream,
                             void **, void **);
  CUresult (*cuStreamCreate)(CUstream *, unsigned);
  CUresult (*cuStreamSynchronize)(CUstream);
  CUresult (*cuMemAllocManaged)(CUdeviceptr *, size_t, unsigned);
  CUresult (*cuMemAlloc)(CUdeviceptr *, size_t);
  CUresult (*cuMemFree)(CUdeviceptr);
  CUresult (*cuMemcpy)(CUdeviceptr, CUdeviceptr, size_t);
  CUresult (*cuMemsetD32)(CUdeviceptr, unsigned, size_t);
  CUresult (*cuMemsetD16)(CUdeviceptr, unsigned short, size_t);
  CUresult (*cuGetErrorString)(CUresult, const char **);
};

struct State {
  std::mutex mutex;
  bool initialized = false;
  bool available = false;
  std::string initError; // why the driver / device is unusable
  Driver api{};
  CUdevice device = 0;
  CUcontext context = nullptr;
  CUstream stream = nullptr;
  std::string deviceName;
  // Module loads that failed (in a bundle's constructor): reported by the
  // next run.
  std::string loadError;
  // The first error of the current run.
  std::string runError;
  // Managed-memory cache: size -> free blocks; block -> size.
  std::map<size_t, std::vector<void *>> freeBlocks;
  std::map<void *, size_t> blockSizes;
  // Host buffers handed out when an allocation failed (the run is failing;
  // host code of the model may still touch them before it returns).
  std::map<void *, size_t> hostFallbacks;
  // Device-resident copies of constant globals (weights): host -> managed.
  std::map<const void *, void *> globals;
};

State &state() {
  static State *s = new State; // never destroyed: bundles unload at exit
  return *s;
}

template <typename F> bool bind(void *handle, F &fn, const char *name) {
  fn = reinterpret_cast<F>(dlsym(handle, name));
  return fn != nullptr;
}

std::string describe(State &s, CUresult rc) {
  const char *text = nullptr;
  if (s.api.cuGetErrorString && s.api.cuGetErrorString(rc, &text) == 0 && text)
    return std::string(text) + " (CUresult " + std::to_string(rc) + ")";
  return "CUresult " + std::to_string(rc);
}

/// Records the first error of the run; returns false so callers can bail.
bool record(State &s, const std::string &message) {
  if (s.runError.empty())
    s.runError = message;
  return false;
}

bool check(State &s, CUresult rc, const char *call) {
  if (rc == 0)
    return true;
  return record(s, std::string(call) + " failed: " + describe(s, rc));
}

/// Opens the driver and the device once. Caller holds the mutex.
bool initLocked(State &s) {
  if (s.initialized)
    return s.available;
  s.initialized = true;
  void *handle = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char *why = dlerror();
    s.initError = std::string("no NVIDIA CUDA driver: cannot load "
                              "libcuda.so.1 (") +
                  (why ? why : "not found") +
                  "); GPU models need an NVIDIA GPU and its driver";
    return false;
  }
  Driver &d = s.api;
  bool ok = bind(handle, d.cuInit, "cuInit") &&
            bind(handle, d.cuDriverGetVersion, "cuDriverGetVersion") &&
            bind(handle, d.cuDeviceGetCount, "cuDeviceGetCount") &&
            bind(handle, d.cuDeviceGet, "cuDeviceGet") &&
            bind(handle, d.cuDeviceGetName, "cuDeviceGetName") &&
            bind(handle, d.cuDeviceGetAttribute, "cuDeviceGetAttribute") &&
            bind(handle, d.cuDevicePrimaryCtxRetain,
                 "cuDevicePrimaryCtxRetain") &&
            bind(handle, d.cuCtxSetCurrent, "cuCtxSetCurrent") &&
            bind(handle, d.cuCtxSynchronize, "cuCtxSynchronize") &&
            bind(handle, d.cuModuleLoadDataEx, "cuModuleLoadDataEx") &&
            bind(handle, d.cuModuleLoadData, "cuModuleLoadData") &&
            bind(handle, d.cuModuleUnload, "cuModuleUnload") &&
            bind(handle, d.cuModuleGetFunction, "cuModuleGetFunction") &&
            bind(handle, d.cuLaunchKernel, "cuLaunchKernel") &&
            bind(handle, d.cuStreamCreate, "cuStreamCreate") &&
            bind(handle, d.cuStreamSynchronize, "cuStreamSynchronize") &&
            bind(handle, d.cuMemAllocManaged, "cuMemAllocManaged") &&
            bind(handle, d.cuMemAlloc, "cuMemAlloc_v2") &&
            bind(handle, d.cuMemFree, "cuMemFree_v2") &&
            bind(handle, d.cuMemcpy, "cuMemcpy") &&
            bind(handle, d.cuMemsetD32, "cuMemsetD32_v2") &&
            bind(handle, d.cuMemsetD16, "cuMemsetD16_v2") &&
            bind(handle, d.cuGetErrorString, "cuGetErrorString");
  if (!ok) {
    s.initError = "the CUDA driver libcuda.so.1 lacks a needed function (driver "
                  "too old?)";
    return false;
  }
  CUresult rc = d.cuInit(0);
  if (rc != 0) {
    s.initError = rc == CUDA_ERROR_NO_DEVICE
                      ? "no CUDA-capable GPU (cuInit: " + describe(s, rc) + ")"
                      : "cuInit failed: " + describe(s, rc);
    return false;
  }
  int count = 0;
  rc = d.cuDeviceGetCount(&count);
  if (rc != 0 || count == 0) {
    s.initError = "no CUDA-capable GPU (cuDeviceGetCount: " +
                  (rc ? describe(s, rc) : std::string("0 devices")) + ")";
    return false;
  }
  int ordinal = 0;
  if (const char *env = std::getenv("QOPT_CUDA_DEVICE"))
    ordinal = std::atoi(env);
  if (ordinal < 0 || ordinal >= count) {
    s.initError = "QOPT_CUDA_DEVICE=" + std::to_string(ordinal) +
                  " is out of range (" + std::to_string(count) + " GPUs)";
    return false;
  }
  if ((rc = d.cuDeviceGet(&s.device, ordinal)) != 0 ||
      (rc = d.cuDevicePrimaryCtxRetain(&s.context, s.device)) != 0 ||
      (rc = d.cuCtxSetCurrent(s.context)) != 0 ||
      (rc = d.cuStreamCreate(&s.stream, 0)) != 0) {
    s.initError = "cannot open GPU " + std::to_string(ordinal) + ": " +
                  describe(s, rc);
    return false;
  }
  char name[256] = {0};
  if (d.cuDeviceGetName(name, sizeof(name) - 1, s.device) == 0)
    s.deviceName = name;
  s.available = true;
  return true;
}

/// Ready to make CUDA calls on this thread: driver open, context current,
/// no earlier error in this run.
bool ready(State &s) {
  if (!initLocked(s))
    return record(s, s.initError);
  if (!s.runError.empty())
    return false;
  return check(s, s.api.cuCtxSetCurrent(s.context), "cuCtxSetCurrent");
}

} // namespace

namespace qopt::rt {

bool cudaAvailable(std::string &error) {
  State &s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (!initLocked(s)) {
    error = s.initError;
    return false;
  }
  if (!s.loadError.empty()) {
    error = s.loadError;
    return false;
  }
  return true;
}

std::string cudaLastError() {
  State &s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (!s.runError.empty())
    return s.runError;
  if (!s.loadError.empty())
    return s.loadError;
  return s.initError;
}

std::string cudaDeviceName() {
  State &s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  return s.available ? s.deviceName : "";
}

} // namespace qopt::rt

extern "C" {

//===--------------------------------------------------------------------===//
// quant-opt's entry hooks (qopt-nvptx-entry-point)
//===--------------------------------------------------------------------===//

int32_t qopt_cuda_run_begin(void) {
  State &s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  s.runError.clear();
  if (!initLocked(s)) {
    s.runError = s.initError;
    return 1;
  }
  if (!s.loadError.empty()) {
    s.runError = s.loadError;
    return 1;
  }
  return check(s, s.api.cuCtxSetCurrent(s.context), "cuCtxSetCurrent") ? 0 : 1;
}

int32_t qopt_cuda_run_end(void) {
  State &s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (s.runError.empty() && s.available)
    check(s, s.api.cuStreamSynchronize(s.stream), "cuStreamSynchronize");
  return s.runError.empty() ? 0 : 2;
}

void qopt_cuda_free(int64_t pointer) {
  void *block = reinterpret_cast<void *>(pointer);
  if (!block)
    return;
  State &s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  auto fallback = s.hostFallbacks.find(block);
  if (fallback != s.hostFallbacks.end()) {
    std::free(block);
    s.hostFallbacks.erase(fallback);
    return;
  }
  auto it = s.blockSizes.find(block);
  if (it == s.blockSizes.end()) {
    record(s, "qopt_cuda_free: pointer not allocated by the runtime");
    return;
  }
  s.freeBlocks[it->second].push_back(block);
}

//===--------------------------------------------------------------------===//
// MLIR gpu-to-llvm runtime interface (mlir/lib/ExecutionEngine/
// CudaRuntimeWrappers.cpp has the reference signatures)
//===--------------------------------------------------------------------===//

void *mgpuModuleLoadJIT(void *data, int optLevel) {
  State &s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (!initLocked(s))
    return nullptr; // reported by qopt_cuda_run_begin
  if (s.api.cuCtxSetCurrent(s.context) != 0)
    return nullptr;
  char log[8192] = {0};
  int options[] = {CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES,
                   CU_JIT_OPTIMIZATION_LEVEL};
  void *values[] = {log, reinterpret_cast<void *>(sizeof(log) - 1),
                    reinterpret_cast<void *>(static_cast<intptr_t>(optLevel))};
  CUmodule module = nullptr;
  CUresult rc = s.api.cuModuleLoadDataEx(&module, data, 3, options, values);
  if (rc != 0) {
    if (s.loadError.empty())
      s.loadError = "loading the model's PTX failed: " + describe(s, rc) +
                    (log[0] ? std::string(": ") + log : std::string());
    return nullptr;
  }
  return module;
}

void *mgpuModuleLoad(void *data, size_t /*size*/) {
  State &s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (!initLocked(s) || s.api.cuCtxSetCurrent(s.context) != 0)
    return nullptr;
  CUmodule module = nullptr;
  CUresult rc = s.api.cuModuleLoadData(&module, data);
  if (rc != 0) {
    if (s.loadError.empty())
      s.loadError = "loading the model's cubin failed: " + describe(s, rc);
    return nullptr;
  }
  return module;
}

void mgpuModuleUnload(void *module) {
  State &s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (module && s.available)
    s.api.cuModuleUnload(module);
}

void *mgpuModuleGetFunction(void *module, const char *name) {
  State &s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (!ready(s))
    return nullptr;
  if (!module) {
    record(s, std::string("kernel '") + name + "': the PTX module is not loaded");
    return nullptr;
  }
  CUfunction function = nullptr;
  if (!check(s, s.api.cuModuleGetFunction(&function, module, name),
             "cuModuleGetFunction"))
    return nullptr;
  return function;
}

void *mgpuStreamCreate(void) {
  // One stream per process: launches are synchronized right after anyway.
  State &s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  return s.available ? s.stream : nullptr;
}

void mgpuStreamDestroy(void * /*stream*/) {}

void mgpuStreamSynchronize(void *stream) {
  State &s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (!ready(s))
    return;
  check(s, s.api.cuStreamSynchronize(stream), "cuStreamSynchronize");
}

void mgpuLaunchKernel(void *function, intptr_t gridX, intptr_t gridY,
                      intptr_t gridZ, intptr_t blockX, intptr_t blockY,
                      intptr_t blockZ, int32_t smem, void *stream,
                      void **params, void **extra, size_t /*paramsCount*/) {
  State &s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (!ready(s) || !function)
    return;
  // An empty grid (a tensor with a zero dimension) has no work.
  if (gridX <= 0 || gridY <= 0 || gridZ <= 0 || blockX <= 0 || blockY <= 0 ||
      blockZ <= 0)
    return;
  check(s,
        s.api.cuLaunchKernel(function, gridX, gridY, gridZ, blockX, blockY,
                             blockZ, smem, stream, params, extra),
        "cuLaunchKernel");
}

void *mgpuMemAlloc(uint64_t sizeBytes, void * /*stream*/, bool /*isHostShared*/) {
  // Always managed memory: host code of the model reads and writes buffers
  // between (synchronous) launches.
  State &s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  size_t size = sizeBytes ? (sizeBytes + 255) / 256 * 256 : 256;
  auto hostFallback = [&]() -> void * {
    // The run has failed already; keep the model's host code off NULL.
    void *block = std::calloc(1, size);
    if (block)
      s.hostFallbacks[block] = size;
    return block;
  };
  if (!ready(s))
    return hostFallback();
  auto &cached = s.freeBlocks[size];
  if (!cached.empty()) {
    void *block = cached.back();
    cached.pop_back();
    return block;
  }
  CUdeviceptr pointer = 0;
  if (!check(s, s.api.cuMemAllocManaged(&pointer, size, CU_MEM_ATTACH_GLOBAL),
             "cuMemAllocManaged"))
    return hostFallback();
  void *block = reinterpret_cast<void *>(pointer);
  s.blockSizes[block] = size;
  return block;
}

int64_t qopt_cuda_global(int64_t host, int64_t bytes) {
  // The device-resident copy of a constant global (a weight), made on first
  // use and kept for the process: later runs read it in place.
  const void *source = reinterpret_cast<const void *>(host);
  State &s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  auto it = s.globals.find(source);
  if (it != s.globals.end())
    return reinterpret_cast<int64_t>(it->second);
  if (!ready(s))
    return host; // the run has failed: no kernel will read it
  CUdeviceptr pointer = 0;
  size_t size = bytes > 0 ? static_cast<size_t>(bytes) : 1;
  if (!check(s, s.api.cuMemAllocManaged(&pointer, size, CU_MEM_ATTACH_GLOBAL),
             "cuMemAllocManaged (weights)"))
    return host;
  void *copy = reinterpret_cast<void *>(pointer);
  if (bytes > 0)
    std::memcpy(copy, source, static_cast<size_t>(bytes));
  s.globals[source] = copy;
  return static_cast<int64_t>(pointer);
}

void mgpuMemFree(void *pointer, void * /*stream*/) {
  qopt_cuda_free(reinterpret_cast<int64_t>(pointer));
}

void mgpuMemcpy(void *dst, void *src, size_t sizeBytes, void * /*stream*/) {
  State &s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (!ready(s))
    return;
  check(s,
        s.api.cuMemcpy(reinterpret_cast<CUdeviceptr>(dst),
                       reinterpret_cast<CUdeviceptr>(src), sizeBytes),
        "cuMemcpy");
}

void mgpuMemset32(void *dst, unsigned value, size_t count, void * /*stream*/) {
  State &s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (!ready(s))
    return;
  check(s, s.api.cuMemsetD32(reinterpret_cast<CUdeviceptr>(dst), value, count),
        "cuMemsetD32");
}

void mgpuMemset16(void *dst, unsigned short value, size_t count,
                  void * /*stream*/) {
  State &s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (!ready(s))
    return;
  check(s, s.api.cuMemsetD16(reinterpret_cast<CUdeviceptr>(dst), value, count),
        "cuMemsetD16");
}

} // extern "C"
