//===- CudaDriverTest.cpp - GPU bundles without (or with) a CUDA driver ---===//
//
// The runtime opens libcuda.so.1 with dlopen only when a GPU bundle needs
// it. On a machine without the driver (the build and CI machines) loading a
// bundle fails with a message naming the cause, and the bundle's functions
// fail cleanly when called anyway; on a GPU machine the fixture bundle runs.
//
//===----------------------------------------------------------------------===//

#include "TestUtil.h"

#include <cstring>
#include <dlfcn.h>

extern "C" {
int32_t qopt_cuda_run_begin(void);
int32_t qopt_cuda_run_end(void);
void *mgpuMemAlloc(uint64_t size, void *stream, bool hostShared);
void mgpuLaunchKernel(void *function, intptr_t gx, intptr_t gy, intptr_t gz,
                      intptr_t bx, intptr_t by, intptr_t bz, int32_t smem,
                      void *stream, void **params, void **extra, size_t count);
void *mgpuModuleGetFunction(void *module, const char *name);
void qopt_cuda_free(int64_t pointer);
int64_t qopt_cuda_global(int64_t host, int64_t bytes);
}

using namespace qopt::rt::test;

namespace {

bool haveDriver() {
  void *handle = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (handle)
    dlclose(handle);
  return handle != nullptr;
}

TEST(CudaDriver, NoDriverLoadError) {
  if (haveDriver())
    GTEST_SKIP() << "a CUDA driver is installed: see GpuBundleRuns";
  std::string path = fixture("gpu.so");
  Model model(qopt_rt_model_load(path.c_str(), nullptr));
  ASSERT_FALSE(model);
  std::string message = qopt_rt_last_error();
  EXPECT_NE(message.find(path + ": GPU model (compiled with --target=nvptx): "
                                "no NVIDIA CUDA driver: cannot load "
                                "libcuda.so.1"),
            std::string::npos)
      << message;
}

TEST(CudaDriver, NoDriverCallsFailCleanly) {
  if (haveDriver())
    GTEST_SKIP() << "a CUDA driver is installed";
  // What a bundle's P_run does when called without the loader's check.
  EXPECT_EQ(qopt_cuda_run_begin(), 1);
  // A failed run's allocations are host memory: the model's host code may
  // still touch them before it returns; qopt_cuda_free releases them.
  auto *block = static_cast<float *>(mgpuMemAlloc(64, nullptr, true));
  ASSERT_NE(block, nullptr);
  block[15] = 1.0f;
  qopt_cuda_free(reinterpret_cast<int64_t>(block));
  // Weights: the host copy itself.
  static const float weights[4] = {1, 2, 3, 4};
  EXPECT_EQ(qopt_cuda_global(reinterpret_cast<int64_t>(weights), 16),
            reinterpret_cast<int64_t>(weights));
  EXPECT_EQ(mgpuModuleGetFunction(nullptr, "kernel"), nullptr);
  mgpuLaunchKernel(nullptr, 1, 1, 1, 1, 1, 1, 0, nullptr, nullptr, nullptr, 0);
  EXPECT_EQ(qopt_cuda_run_end(), 2);
}

TEST(CudaDriver, GpuBundleRuns) {
  if (!haveDriver())
    GTEST_SKIP() << "no CUDA driver (libcuda.so.1) on this machine";
  Model model(qopt_rt_model_load(fixture("gpu.so").c_str(), nullptr));
  ASSERT_TRUE(model) << qopt_rt_last_error();
  const int64_t dims[] = {4};
  Tensor x(qopt_rt_tensor_create(QOPT_DTYPE_FLOAT, 1, dims));
  float *data = static_cast<float *>(qopt_rt_tensor_data(x.get()));
  for (int i = 0; i < 4; ++i)
    data[i] = 1.5f * i;
  const qopt_rt_tensor *inputs[] = {x.get()};
  qopt_rt_tensor *outputs[1] = {nullptr};
  ASSERT_EQ(qopt_rt_model_run(model.get(), inputs, outputs), 0)
      << qopt_rt_last_error();
  Tensor y(outputs[0]);
  const float *out = static_cast<const float *>(qopt_rt_tensor_data(y.get()));
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(out[i], 1.5f * i);
}

} // namespace
