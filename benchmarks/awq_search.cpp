// Time of lib/Quant's AWQ search (awqQuantize: 20 alphas, then the 10-ratio
// clipping search) on random layers with a few 20x input channels, for the
// layer shapes of the byte LM and of a 7B-class model. Single thread.
//
//   benchmarks/awq_search.sh        (compiles this against build/lib)
//
// Prints per shape: N, K, rows, group, bits, wall and CPU seconds, RTN loss
// (alpha 0), chosen alpha, loss after the scale search and after clipping.

#include "QuantOpt/Quant/AWQ.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <vector>

using namespace qopt::quant;

int main(int argc, char **argv) {
  struct Shape {
    int64_t n, k, rows, group;
  };
  std::vector<Shape> shapes = {{768, 256, 512, 128},     // byte LM q/k/v
                               {256, 1024, 512, 128},    // byte LM fc2
                               {4096, 4096, 512, 128},   // 7B o_proj
                               {12288, 4096, 512, 128}}; // 7B q/k/v
  int maxShapes = argc > 1 ? std::atoi(argv[1]) : int(shapes.size());
  std::printf(
      "| N | K | rows | group | bits | seconds | CPU seconds | RTN loss | "
      "alpha | "
      "scaled loss | clipped loss |\n|---|---|---|---|---|---|---|---|---|"
      "---|---|\n");
  for (int i = 0; i < maxShapes && i < int(shapes.size()); ++i) {
    const Shape &s = shapes[i];
    std::mt19937 rng(1);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<float> w(s.n * s.k), x(s.rows * s.k), mean(s.k, 0.0f);
    for (float &v : w)
      v = 0.02f * normal(rng);
    for (int64_t r = 0; r < s.rows; ++r)
      for (int64_t c = 0; c < s.k; ++c) {
        float v = normal(rng) * (c % 97 == 3 ? 20.0f : 1.0f);
        x[r * s.k + c] = v;
        mean[c] += std::fabs(v) / float(s.rows);
      }
    AwqOptions options;
    options.bits = 4;
    options.groupSize = s.group;
    AwqResult result;
    auto start = std::chrono::steady_clock::now();
    std::clock_t cpuStart = std::clock();
    Status status = awqQuantize(w, s.n, s.k, mean, x, s.rows, options, result);
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    double cpu = double(std::clock() - cpuStart) / CLOCKS_PER_SEC;
    if (status.failed()) {
      std::fprintf(stderr, "%s\n", status.message().c_str());
      return 1;
    }
    double scaled = result.lossPerAlpha[0];
    for (double l : result.lossPerAlpha)
      scaled = std::min(scaled, l);
    std::printf(
        "| %lld | %lld | %lld | %lld | 4 | %.2f | %.2f | %.4g | %.2f | %.4g | "
        "%.4g |\n",
        (long long)s.n, (long long)s.k, (long long)s.rows, (long long)s.group,
        seconds, cpu, result.lossPerAlpha[0], result.alpha, scaled,
        result.loss);
    std::fflush(stdout);
  }
  return 0;
}
