//===- Gram.cpp - Blocked XᵀX accumulation in double ----------------------===//
//
// Rows are gathered into a block of kBlockRows rows, converted to double and
// packed as panels of 8 columns ([K/8][rows][8]). The upper triangle of
// XᵀX is updated tile by tile: a 4 x 8 register tile accumulates over the
// block's rows; column blocks of kColumnBlock keep the "i" panels in L1/L2
// while the "j" panels stream. The kernel is compiled for several ISAs
// (target_clones) and the best one for the host CPU is picked at load time.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Quant/Calibrators.h"

#include <algorithm>
#include <cmath>
#include <string>

using namespace qopt::quant;

namespace {
constexpr int64_t kBlockRows = 64;
constexpr int64_t kColumnBlock = 64;

int64_t paddedK(int64_t k) { return (k + 7) / 8 * 8; }

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define QOPT_MULTIVERSION                                                      \
  __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#elif defined(__x86_64__) && defined(__clang__)
#define QOPT_MULTIVERSION                                                      \
  __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define QOPT_MULTIVERSION
#endif

/// upper[i*kp + j] += sum_r X[r][i] * X[r][j] for j >= i (in 4 x 8 tiles;
/// a diagonal tile also writes a few entries below the diagonal, which are
/// never read). `panels` is [kp/8][rows][8].
QOPT_MULTIVERSION
void gramKernel(const double *panels, int64_t rows, int64_t kp,
                double *upper) {
  for (int64_t ib = 0; ib < kp; ib += kColumnBlock) {
    const int64_t iend = std::min(ib + kColumnBlock, kp);
    for (int64_t j0 = ib / 8 * 8; j0 < kp; j0 += 8) {
      const double *jp = panels + (j0 / 8) * rows * 8;
      for (int64_t i0 = ib; i0 < iend && i0 < j0 + 8; i0 += 4) {
        const double *ip = panels + (i0 / 8) * rows * 8 + (i0 % 8);
        double acc[4][8] = {};
        for (int64_t r = 0; r < rows; ++r) {
          const double *b = jp + r * 8;
          const double *a = ip + r * 8;
#pragma GCC unroll 4
          for (int u = 0; u < 4; ++u)
#pragma GCC unroll 8
            for (int v = 0; v < 8; ++v)
              acc[u][v] += a[u] * b[v];
        }
        for (int u = 0; u < 4; ++u)
          for (int v = 0; v < 8; ++v)
            upper[(i0 + u) * kp + j0 + v] += acc[u][v];
      }
    }
  }
}
} // namespace

GramAccumulator::GramAccumulator(int64_t k)
    : k_(std::max<int64_t>(k, 1)),
      upper_(paddedK(k_) * paddedK(k_), 0.0),
      block_(kBlockRows * paddedK(k_), 0.0) {}

void GramAccumulator::flush() {
  if (pending_ == 0)
    return;
  gramKernel(block_.data(), pending_, paddedK(k_), upper_.data());
  pending_ = 0;
}

Status GramAccumulator::observe(Span<float> batch) {
  if (batch.size() % static_cast<size_t>(k_) != 0)
    return Status::error("XᵀX: batch of " + std::to_string(batch.size()) +
                         " values is not a multiple of K = " +
                         std::to_string(k_));
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
      block_[(c / 8) * kBlockRows * 8 + pending_ * 8 + (c % 8)] =
          c < k_ ? double(row[c]) : 0.0;
    ++pending_;
    ++numRows_;
  }
  // The kernel expects panels of exactly `pending_` rows: repack a partial
  // block in place (panel p moves from p*kBlockRows*8 to p*pending_*8,
  // ascending p never overwrites data not yet moved).
  if (pending_ > 0 && pending_ < kBlockRows) {
    for (int64_t p = 1; p < kp / 8; ++p)
      std::copy(block_.begin() + p * kBlockRows * 8,
                block_.begin() + p * kBlockRows * 8 + pending_ * 8,
                block_.begin() + p * pending_ * 8);
    gramKernel(block_.data(), pending_, kp, upper_.data());
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
    return Status::error("XᵀX: matrix of " + std::to_string(matrix.size()) +
                         " values, expected K x K = " +
                         std::to_string(k_ * k_));
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
