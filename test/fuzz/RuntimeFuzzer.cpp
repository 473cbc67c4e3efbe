//===- RuntimeFuzzer.cpp - libFuzzer target for the runtime's file readers ===//
//
// Feeds each input to the runtime's TensorProto reader (from memory) and to
// its .npy reader (through a file), and touches every byte a tensor they
// accept claims to own. Built with the runtime instrumented for coverage,
// ASan and UBSan (QOPT_ENABLE_FUZZER=ON; run with scripts/fuzz.sh N runtime).
//
//===----------------------------------------------------------------------===//

#include "quant_opt/runtime.h"
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <unistd.h>

namespace {
void touch(qopt_rt_tensor *tensor) {
  const auto *bytes = static_cast<const uint8_t *>(qopt_rt_tensor_data(tensor));
  volatile uint8_t sum = 0;
  for (size_t i = 0, n = qopt_rt_tensor_nbytes(tensor); i < n; ++i)
    sum += bytes[i];
  qopt_rt_tensor_free(tensor);
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (qopt_rt_tensor *t = qopt_rt_parse_pb(data, size, "fuzz.pb"))
    touch(t);
  // The .npy reader takes a path: the input goes through a file.
  static char path[128] = {0};
  if (!path[0]) {
    const char *dir = std::getenv("TMPDIR");
    std::snprintf(path, sizeof path, "%s/qopt-runtime-fuzz-%d.npy",
                  dir ? dir : "/tmp", static_cast<int>(getpid()));
  }
  if (FILE *f = std::fopen(path, "wb")) {
    std::fwrite(data, 1, size, f);
    std::fclose(f);
    if (qopt_rt_tensor *t = qopt_rt_read_npy(path))
      touch(t);
  }
  return 0;
}
