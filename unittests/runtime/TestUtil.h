//===- TestUtil.h - Helpers for the runtime tests ---------------*- C++ -*-===//

#ifndef QOPT_UNITTESTS_RUNTIME_TESTUTIL_H
#define QOPT_UNITTESTS_RUNTIME_TESTUTIL_H

#include "quant_opt/runtime.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

namespace qopt::rt::test {

struct TensorDeleter {
  void operator()(qopt_rt_tensor *tensor) const { qopt_rt_tensor_free(tensor); }
};
using Tensor = std::unique_ptr<qopt_rt_tensor, TensorDeleter>;

struct ModelDeleter {
  void operator()(qopt_rt_model *model) const { qopt_rt_model_free(model); }
};
using Model = std::unique_ptr<qopt_rt_model, ModelDeleter>;

/// A float tensor with the given shape and values.
inline Tensor makeFloat(std::vector<int64_t> dims, std::vector<float> values) {
  Tensor tensor(qopt_rt_tensor_create(
      QOPT_DTYPE_FLOAT, static_cast<int32_t>(dims.size()), dims.data()));
  EXPECT_TRUE(tensor) << qopt_rt_last_error();
  EXPECT_EQ(qopt_rt_tensor_nbytes(tensor.get()), values.size() * 4);
  std::copy(values.begin(), values.end(),
            static_cast<float *>(qopt_rt_tensor_data(tensor.get())));
  return tensor;
}

/// A fresh temporary directory, removed (with its files) at destruction.
class TempDir {
public:
  TempDir() {
    char pattern[] = "/tmp/qopt-rt-test.XXXXXX";
    path_ = mkdtemp(pattern);
  }
  ~TempDir() { std::system(("rm -rf '" + path_ + "'").c_str()); }
  std::string file(const std::string &name) const { return path_ + "/" + name; }
  const std::string &path() const { return path_; }

private:
  std::string path_;
};

inline std::string fixture(const char *name) {
  return std::string(QOPT_RUNTIME_FIXTURES_DIR) + "/" + name;
}

} // namespace qopt::rt::test

#endif // QOPT_UNITTESTS_RUNTIME_TESTUTIL_H
