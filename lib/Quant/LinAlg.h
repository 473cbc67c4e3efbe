//===- LinAlg.h - Internal dense double kernels for lib/Quant ---*- C++ -*-===//
//
// Private to lib/Quant (not installed with the public headers): a
// register-tiled C -= Aᵀ·B kernel chosen once from the host CPU (AVX-512,
// AVX2 + FMA or baseline x86-64, as Gram.cpp), a blocked Cholesky
// factorisation and a blocked lower-triangular inverse built on it, and a
// tiny parallel-for over std::thread.
//
// Determinism: every output element is computed by exactly one task with a
// fixed summation order, and tasks are split at fixed boundaries, so results
// do not depend on the number of threads.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_LIB_QUANT_LINALG_H
#define QUANTOPT_LIB_QUANT_LINALG_H

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

namespace qopt::quant::detail {

/// `requested` threads, or all hardware threads when `requested` <= 0.
int resolveThreads(int requested);

/// Runs fn(task) for task in [0, numTasks) on up to `numThreads` threads
/// (the caller's thread included); tasks are handed out in increasing order.
template <typename Fn>
void parallelFor(int numThreads, int64_t numTasks, Fn fn) {
  const int64_t workers = std::min<int64_t>(numThreads, numTasks);
  if (workers <= 1) {
    for (int64_t t = 0; t < numTasks; ++t)
      fn(t);
    return;
  }
  std::atomic<int64_t> next{0};
  auto work = [&] {
    for (int64_t t = next++; t < numTasks; t = next++)
      fn(t);
  };
  std::vector<std::thread> threads;
  threads.reserve(workers - 1);
  for (int64_t w = 1; w < workers; ++w)
    threads.emplace_back(work);
  work();
  for (std::thread &t : threads)
    t.join();
}

/// Columns of B and C one kernel tile covers; `n` of gemmSub must be a
/// multiple of it.
constexpr int64_t kGemmColumns = 16;

/// C[m x n] -= Aᵀ · B, where A is given transposed: at[p * lda + i] = A[i][p]
/// (p < kd, i < m), B is kd x n (stride ldb) and C is m x n (stride ldc), all
/// row-major doubles. n must be a multiple of kGemmColumns. Each element is
/// updated as c -= a_p · b_p for p = 0, 1, ... in order (fused multiply-add
/// where the CPU has it). Single-threaded.
void gemmSub(int64_t m, int64_t n, int64_t kd, const double *at, int64_t lda,
             const double *b, int64_t ldb, double *c, int64_t ldc);

/// Block size of the factorisations; their dimension must be a multiple.
constexpr int64_t kFactorBlock = 64;

/// In-place lower Cholesky factorisation A = L Lᵀ of the symmetric positive
/// definite kp x kp row-major `a` (kp a multiple of kFactorBlock; only the
/// lower triangle is read; the strict upper triangle is set to 0). Blocked
/// right-looking, the trailing update on gemmSub over `numThreads` threads.
/// False when a pivot is not positive (or not finite): A is not positive
/// definite (`a` is then garbage).
bool choleskyLower(std::vector<double> &a, int64_t kp, int numThreads);

/// X = L⁻¹ for the lower-triangular kp x kp row-major `l` (positive
/// diagonal; kp a multiple of kFactorBlock), blocked by rows of blocks:
/// X[r, :r] = -X[r, r] · L[r, :r] · X[:r, :r].
std::vector<double> lowerInverse(const std::vector<double> &l, int64_t kp,
                                 int numThreads);

} // namespace qopt::quant::detail

#endif // QUANTOPT_LIB_QUANT_LINALG_H
