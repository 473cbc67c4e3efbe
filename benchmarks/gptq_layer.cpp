//===- gptq_layer.cpp - GPTQ on one random linear layer: time and error ---===//
//
// qopt-gptq-bench [N K ROWS [THREADS]] (default 4096 4096 65536, all
// threads): accumulates XᵀX of ROWS random calibration rows with correlated
// columns (GramAccumulator, in batches of 512 rows), quantizes a random
// [N, K] weight with GPTQ (4 bits, group 128, act-order, asymmetric: the
// --qopt-gptq defaults) and with RTN on the same grid, and prints the wall
// and CPU times and the output error ‖(W − Ŵ)Xᵀ‖² of both.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Quant/Calibrators.h"
#include "QuantOpt/Quant/Encoders.h"
#include "QuantOpt/Quant/GPTQ.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <string>

using namespace qopt::quant;

namespace {
struct Timer {
  std::chrono::steady_clock::time_point wall = std::chrono::steady_clock::now();
  std::clock_t cpu = std::clock();
  double wallSeconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         wall)
        .count();
  }
  double cpuSeconds() const {
    return double(std::clock() - cpu) / CLOCKS_PER_SEC;
  }
};

bool parse(const char *text, int64_t &value) {
  char *end = nullptr;
  long long v = std::strtoll(text, &end, 10);
  if (!end || *end || v < 1)
    return false;
  value = v;
  return true;
}
} // namespace

int main(int argc, char **argv) {
  int64_t n = 4096, k = 4096, rows = 65536, threads = 0;
  if (argc != 1 && argc != 4 && argc != 5) {
    std::fprintf(stderr, "usage: %s [N K ROWS [THREADS]]\n", argv[0]);
    return 2;
  }
  if (argc >= 4 && (!parse(argv[1], n) || !parse(argv[2], k) ||
                    !parse(argv[3], rows) ||
                    (argc == 5 && !parse(argv[4], threads)))) {
    std::fprintf(stderr, "error: N, K, ROWS and THREADS must be positive "
                         "integers\n");
    return 2;
  }
  std::mt19937 rng(1);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_real_distribution<float> uni(-1.0f, 1.0f);
  // Correlated columns: x_j = s_j · (z_j + 0.5 · z_{j-1} + c), with a
  // per-row common factor c and column scales s_j = exp(U(-1, 1)).
  std::vector<float> scale(k);
  for (float &s : scale)
    s = std::exp(uni(rng));
  std::vector<float> w(n * k);
  for (float &v : w)
    v = 0.02f * normal(rng);

  const int64_t batchRows = 512;
  std::vector<float> batch(batchRows * k);
  GramAccumulator gram(k, int(threads));
  double generateWall = 0.0, generateCpu = 0.0;
  Timer gramTimer;
  for (int64_t done = 0; done < rows; done += batchRows) {
    const int64_t r = std::min(batchRows, rows - done);
    Timer gen;
    for (int64_t i = 0; i < r; ++i) {
      float common = normal(rng), prev = normal(rng);
      for (int64_t j = 0; j < k; ++j) {
        float z = normal(rng);
        batch[i * k + j] = scale[j] * (z + 0.5f * prev + 0.3f * common);
        prev = z;
      }
    }
    generateWall += gen.wallSeconds();
    generateCpu += gen.cpuSeconds();
    if (Status s = gram.observe(Span<float>(batch.data(), r * k)); s.failed()) {
      std::fprintf(stderr, "error: %s\n", s.message().c_str());
      return 1;
    }
  }
  const double gramWall = gramTimer.wallSeconds() - generateWall;
  const double gramCpu = gramTimer.cpuSeconds() - generateCpu;
  std::vector<double> g = gram.matrix();

  GptqOptions options; // bits 4, group 128, act-order, asymmetric
  options.groupSize = k % 128 == 0 ? 128 : 0;
  options.numThreads = int(threads);
  GptqResult result;
  Timer gptqTimer;
  if (Status s = quantizeGptq(w, n, k, g, rows, options, result); s.failed()) {
    std::fprintf(stderr, "error: %s\n", s.message().c_str());
    return 1;
  }
  const double gptqWall = gptqTimer.wallSeconds();
  const double gptqCpu = gptqTimer.cpuSeconds();

  RtnOptions rtn;
  rtn.bits = options.bits;
  rtn.groupSize = options.groupSize;
  rtn.symmetric = options.symmetric;
  RtnWeight rtnWeight;
  if (Status s = quantizeRtn(w, n, k, rtn, rtnWeight); s.failed()) {
    std::fprintf(stderr, "error: %s\n", s.message().c_str());
    return 1;
  }
  const double errGptq = layerOutputError(g, k, w, dequantizeGptq(result), n);
  const double errRtn =
      layerOutputError(g, k, w, dequantizeRtn(rtnWeight), n);

  std::printf("layer N=%lld K=%lld, %lld calibration rows, threads=%s, "
              "GPTQ bits=%d group=%lld act-order=%d sym=%d\n",
              (long long)n, (long long)k, (long long)rows,
              threads ? std::to_string(threads).c_str() : "all",
              options.bits, (long long)options.groupSize, options.actOrder,
              options.symmetric);
  std::printf("XtX:  %.2f s wall (%.2f s CPU, all threads), %.1f GFLOP/s "
              "wall, %.1f GFLOP/s per CPU second (K^2 per row)\n",
              gramWall, gramCpu, double(rows) * k * k / gramWall * 1e-9,
              double(rows) * k * k / gramCpu * 1e-9);
  std::printf("GPTQ: %.2f s wall (%.2f s CPU, all threads), damp used %g, "
              "%lld dead "
              "columns\n",
              gptqWall, gptqCpu, result.dampUsed,
              (long long)result.deadColumns);
  std::printf("total XtX + GPTQ: %.2f s wall, %.2f s CPU\n",
              gramWall + gptqWall, gramCpu + gptqCpu);
  std::printf("output error |(W - What) X^T|^2: GPTQ %.6g, RTN %.6g "
              "(GPTQ/RTN = %.3f); GPTQ loss %.6g\n",
              errGptq, errRtn, errGptq / errRtn, result.loss);
  return 0;
}
