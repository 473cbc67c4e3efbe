//===- Gram.cpp - Blocked XᵀX accumulation in double ----------------------===//
//
// Rows are gathered into a block of kBlockRows rows, converted to double and
// packed as panels of 16 columns ([K/16][rows][16]). The upper triangle of
// XᵀX is updated tile by tile: a register tile (8 x 16 with AVX-512, 4 x 8
// with AVX2 or baseline x86-64) accumulates over the block's rows; column
// blocks of kColumnBlock keep the "i" panels in L1/L2 while the "j" panels
// stream. The kernel is chosen once from the host CPU
// (__builtin_cpu_supports); nothing assumes the build machine's ISA. The
// column blocks of a row block are spread over threads: each entry of the
// upper triangle belongs to one column block and is summed in the same order
// whatever the thread count, so results do not depend on it.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Quant/Calibrators.h"

#include "LinAlg.h"

#include <algorithm>
#include <cmath>
#include <string>

using namespace qopt::quant;

namespace {
constexpr int64_t kBlockRows = 64;
constexpr int64_t kColumnBlock = 64;
/// Panel width (columns per packed panel); every kernel's NR divides it.
constexpr int64_t kPanel = 16;

int64_t paddedK(int64_t k) { return (k + kPanel - 1) / kPanel * kPanel; }

typedef double V8 __attribute__((vector_size(64)));
typedef double V4 __attribute__((vector_size(32)));

/// upper[i*kp + j] += sum_r X[r][i] * X[r][j] for j >= i, in MR x (NV * W)
/// register tiles (W = doubles per vector V). A diagonal tile also writes a
/// few entries below the diagonal, which are never read. `panels` is
/// [kp/kPanel][rows][kPanel]. Only the rows i of column block `ib`.
template <int MR, int NV, typename Vec>
__attribute__((always_inline)) inline void
gramTiles(const double *panels, int64_t rows, int64_t kp, int64_t ib,
          double *upper) {
  constexpr int W = sizeof(Vec) / sizeof(double);
  constexpr int NR = NV * W;
  static_assert(kPanel % NR == 0 && NR % MR == 0, "tile must fit a panel");
  const int64_t iend = std::min(ib + kColumnBlock, kp);
  for (int64_t j0 = ib / NR * NR; j0 < kp; j0 += NR) {
    const double *jp = panels + (j0 / kPanel) * rows * kPanel + j0 % kPanel;
    for (int64_t i0 = ib; i0 < iend && i0 < j0 + NR; i0 += MR) {
      const double *ip = panels + (i0 / kPanel) * rows * kPanel + i0 % kPanel;
      Vec acc[MR][NV] = {};
      for (int64_t r = 0; r < rows; ++r) {
        Vec b[NV];
        for (int v = 0; v < NV; ++v)
          __builtin_memcpy(&b[v], jp + r * kPanel + v * W, sizeof(Vec));
        const double *a = ip + r * kPanel;
        for (int u = 0; u < MR; ++u)
          for (int v = 0; v < NV; ++v)
            acc[u][v] += a[u] * b[v];
      }
      for (int u = 0; u < MR; ++u)
        for (int v = 0; v < NV; ++v)
          for (int w = 0; w < W; ++w)
            upper[(i0 + u) * kp + j0 + v * W + w] += acc[u][v][w];
    }
  }
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
/// AVX-512: 8 x 16 tile, 16 zmm accumulators.
__attribute__((target("avx512f,avx512vl,avx2,fma"))) void
gramAvx512(const double *panels, int64_t rows, int64_t kp, int64_t ib,
           double *upper) {
  gramTiles<8, 2, V8>(panels, rows, kp, ib, upper);
}
/// AVX2 + FMA: 4 x 8 tile, 8 ymm accumulators.
__attribute__((target("avx2,fma"))) void
gramAvx2(const double *panels, int64_t rows, int64_t kp, int64_t ib,
         double *upper) {
  gramTiles<4, 2, V4>(panels, rows, kp, ib, upper);
}
#endif
void gramBaseline(const double *panels, int64_t rows, int64_t kp, int64_t ib,
                  double *upper) {
  gramTiles<4, 2, V4>(panels, rows, kp, ib, upper);
}

using GramKernel = void (*)(const double *, int64_t, int64_t, int64_t,
                           double *);

/// The best kernel for the host CPU, chosen once.
GramKernel selectKernel() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl"))
    return gramAvx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    return gramAvx2;
#endif
  return gramBaseline;
}

/// All column blocks, spread over `numThreads` threads.
void gramKernel(const double *panels, int64_t rows, int64_t kp,
                double *upper, int numThreads) {
  static const GramKernel kernel = selectKernel();
  const int64_t blocks = (kp + kColumnBlock - 1) / kColumnBlock;
  // Below ~4M multiply-adds a thread start costs more than it saves.
  if (double(rows) * double(kp) * double(kp) / 2 < double(1 << 22))
    numThreads = 1;
  // Ascending ib = most work first (block ib covers columns j >= ib).
  detail::parallelFor(numThreads, blocks, [&](int64_t b) {
    kernel(panels, rows, kp, b * kColumnBlock, upper);
  });
}
} // namespace

GramAccumulator::GramAccumulator(int64_t k, int numThreads)
    : k_(std::max<int64_t>(k, 1)),
      numThreads_(detail::resolveThreads(numThreads)),
      upper_(paddedK(k_) * paddedK(k_), 0.0),
      block_(kBlockRows * paddedK(k_), 0.0) {}

void GramAccumulator::flush() {
  if (pending_ == 0)
    return;
  gramKernel(block_.data(), pending_, paddedK(k_), upper_.data(),
             numThreads_);
  pending_ = 0;
}

Status GramAccumulator::observe(Span<float> batch) {
  if (batch.size() % static_cast<size_t>(k_) != 0)
    return Status::error(
        "XᵀX: batch of " + std::to_string(batch.size()) +
        " values is not a multiple of K = " + std::to_string(k_));
  const int64_t kp = paddedK(k_);
  const size_t rows = batch.size() / k_;
  for (size_t r = 0; r < rows; ++r) {
    const float *row = batch.data() + r * k_;
    bool finite = true;
    for (int64_t c = 0; c < k_; ++c)
      finite &= std::isfinite(row[c]);
    if (!finite) {
      ++numSkippedRows_;
      continue;
    }
    if (pending_ == kBlockRows)
      flush();
    // Panels are [kp/8][kBlockRows][8]; a partial block uses the first
    // `pending_` rows of each panel, so the panel stride is the row count at
    // flush time. Write with the full-block stride and compact on flush.
    for (int64_t c = 0; c < kp; ++c)
      block_[(c / kPanel) * kBlockRows * kPanel + pending_ * kPanel +
             (c % kPanel)] = c < k_ ? double(row[c]) : 0.0;
    ++pending_;
    ++numRows_;
  }
  // The kernel expects panels of exactly `pending_` rows: repack a partial
  // block in place (panel p moves from p*kBlockRows*8 to p*pending_*8,
  // ascending p never overwrites data not yet moved).
  if (pending_ > 0 && pending_ < kBlockRows) {
    for (int64_t p = 1; p < kp / kPanel; ++p)
      std::copy(block_.begin() + p * kBlockRows * kPanel,
                block_.begin() + p * kBlockRows * kPanel + pending_ * kPanel,
                block_.begin() + p * pending_ * kPanel);
    gramKernel(block_.data(), pending_, kp, upper_.data(), numThreads_);
    pending_ = 0;
  } else if (pending_ == kBlockRows) {
    flush();
  }
  return Status::ok();
}

std::vector<double> GramAccumulator::matrix() const {
  const int64_t kp = paddedK(k_);
  std::vector<double> full(k_ * k_);
  for (int64_t i = 0; i < k_; ++i)
    for (int64_t j = i; j < k_; ++j)
      full[i * k_ + j] = full[j * k_ + i] = upper_[i * kp + j];
  return full;
}

Status GramAccumulator::assign(std::vector<double> matrix, int64_t numRows) {
  if (static_cast<int64_t>(matrix.size()) != k_ * k_)
    return Status::error(
        "XᵀX: matrix of " + std::to_string(matrix.size()) +
        " values, expected K x K = " + std::to_string(k_ * k_));
  const int64_t kp = paddedK(k_);
  std::fill(upper_.begin(), upper_.end(), 0.0);
  for (int64_t i = 0; i < k_; ++i)
    for (int64_t j = i; j < k_; ++j)
      upper_[i * kp + j] = matrix[i * k_ + j];
  numRows_ = numRows;
  pending_ = 0;
  return Status::ok();
}

std::vector<double> qopt::quant::naiveGram(Span<float> x, int64_t rows,
                                           int64_t k) {
  std::vector<double> g(k * k, 0.0);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t i = 0; i < k; ++i)
      for (int64_t j = 0; j < k; ++j)
        g[i * k + j] += double(x[r * k + i]) * double(x[r * k + j]);
  return g;
}
