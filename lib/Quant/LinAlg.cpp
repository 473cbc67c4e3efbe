//===- LinAlg.cpp - Internal dense double kernels for lib/Quant -----------===//
//
// gemmSub: MR x 16 register tiles (8 x 16 = 16 zmm accumulators with
// AVX-512; 4 x 16 = 16 ymm with AVX2 or baseline x86-64), B walked in column
// blocks of 256 so a B panel of up to 128 rows stays in L2. The kernel is
// picked once from the host CPU (__builtin_cpu_supports), as in Gram.cpp.
//
//===----------------------------------------------------------------------===//

#include "LinAlg.h"

#include <algorithm>
#include <cmath>

using namespace qopt::quant::detail;

namespace {
typedef double V8 __attribute__((vector_size(64)));
typedef double V4 __attribute__((vector_size(32)));

constexpr int64_t kColumnBlock = 256;

/// c[u][0, 16) -= sum_p at[p * lda + u] * b[p * ldb + 0, 16) for u < MR.
template <int MR, int NV, typename Vec>
__attribute__((always_inline)) inline void
tileSub(const double *at, int64_t lda, const double *b, int64_t ldb, double *c,
        int64_t ldc, int64_t kd) {
  constexpr int W = sizeof(Vec) / sizeof(double);
  static_assert(NV * W == kGemmColumns, "a tile spans kGemmColumns columns");
  Vec acc[MR][NV];
  for (int u = 0; u < MR; ++u)
    for (int v = 0; v < NV; ++v)
      __builtin_memcpy(&acc[u][v], c + u * ldc + v * W, sizeof(Vec));
  for (int64_t p = 0; p < kd; ++p) {
    Vec bv[NV];
    for (int v = 0; v < NV; ++v)
      __builtin_memcpy(&bv[v], b + p * ldb + v * W, sizeof(Vec));
    const double *a = at + p * lda;
    for (int u = 0; u < MR; ++u)
      for (int v = 0; v < NV; ++v)
        acc[u][v] -= a[u] * bv[v];
  }
  for (int u = 0; u < MR; ++u)
    for (int v = 0; v < NV; ++v)
      __builtin_memcpy(c + u * ldc + v * W, &acc[u][v], sizeof(Vec));
}

template <int MR, int NV, typename Vec>
__attribute__((always_inline)) inline void
gemmSubTiles(int64_t m, int64_t n, int64_t kd, const double *at, int64_t lda,
             const double *b, int64_t ldb, double *c, int64_t ldc) {
  for (int64_t n0 = 0; n0 < n; n0 += kColumnBlock) {
    const int64_t n1 = std::min(n, n0 + kColumnBlock);
    int64_t i = 0;
    for (; i + MR <= m; i += MR)
      for (int64_t j = n0; j < n1; j += kGemmColumns)
        tileSub<MR, NV, Vec>(at + i, lda, b + j, ldb, c + i * ldc + j, ldc,
                             kd);
    // Row tail: one row at a time, the same per-element arithmetic.
    for (; i < m; ++i)
      for (int64_t j = n0; j < n1; j += kGemmColumns)
        tileSub<1, NV, Vec>(at + i, lda, b + j, ldb, c + i * ldc + j, ldc, kd);
  }
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
__attribute__((target("avx512f,avx512vl,avx2,fma"))) void
gemmAvx512(int64_t m, int64_t n, int64_t kd, const double *at, int64_t lda,
           const double *b, int64_t ldb, double *c, int64_t ldc) {
  gemmSubTiles<8, 2, V8>(m, n, kd, at, lda, b, ldb, c, ldc);
}
__attribute__((target("avx2,fma"))) void
gemmAvx2(int64_t m, int64_t n, int64_t kd, const double *at, int64_t lda,
         const double *b, int64_t ldb, double *c, int64_t ldc) {
  gemmSubTiles<4, 4, V4>(m, n, kd, at, lda, b, ldb, c, ldc);
}
#endif
void gemmBaseline(int64_t m, int64_t n, int64_t kd, const double *at,
                  int64_t lda, const double *b, int64_t ldb, double *c,
                  int64_t ldc) {
  gemmSubTiles<4, 4, V4>(m, n, kd, at, lda, b, ldb, c, ldc);
}

using GemmKernel = void (*)(int64_t, int64_t, int64_t, const double *, int64_t,
                            const double *, int64_t, double *, int64_t);

GemmKernel selectKernel() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl"))
    return gemmAvx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    return gemmAvx2;
#endif
  return gemmBaseline;
}
} // namespace

int qopt::quant::detail::resolveThreads(int requested) {
  if (requested > 0)
    return requested;
  unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : int(hw);
}

void qopt::quant::detail::gemmSub(int64_t m, int64_t n, int64_t kd,
                                  const double *at, int64_t lda,
                                  const double *b, int64_t ldb, double *c,
                                  int64_t ldc) {
  static const GemmKernel kernel = selectKernel();
  if (m <= 0 || n <= 0 || kd <= 0)
    return;
  kernel(m, n, kd, at, lda, b, ldb, c, ldc);
}

bool qopt::quant::detail::choleskyLower(std::vector<double> &matrix,
                                        int64_t kp, int numThreads) {
  const int64_t nb = kFactorBlock;
  double *a = matrix.data();
  std::vector<double> pt;
  for (int64_t kb = 0; kb < kp; kb += nb) {
    const int64_t ke = kb + nb;
    // Diagonal block (earlier panels already subtracted by the trailing
    // updates): unblocked.
    for (int64_t j = kb; j < ke; ++j) {
      double d = a[j * kp + j];
      for (int64_t p = kb; p < j; ++p)
        d -= a[j * kp + p] * a[j * kp + p];
      if (!(d > 0.0) || !std::isfinite(d))
        return false;
      d = std::sqrt(d);
      a[j * kp + j] = d;
      for (int64_t i = j + 1; i < ke; ++i) {
        double s = a[i * kp + j];
        for (int64_t p = kb; p < j; ++p)
          s -= a[i * kp + p] * a[j * kp + p];
        a[i * kp + j] = s / d;
      }
    }
    const int64_t rest = kp - ke;
    if (rest == 0)
      break;
    // Panel below the diagonal block: each row solves L_dd x = a_row.
    parallelFor(numThreads, rest / nb, [&](int64_t t) {
      for (int64_t i = ke + t * nb; i < ke + (t + 1) * nb; ++i)
        for (int64_t j = kb; j < ke; ++j) {
          double s = a[i * kp + j];
          for (int64_t p = kb; p < j; ++p)
            s -= a[i * kp + p] * a[j * kp + p];
          a[i * kp + j] = s / a[j * kp + j];
        }
    });
    // Trailing update of the lower triangle: A22 -= L21 L21ᵀ with the panel
    // transposed (pt[p][i] = L21[i][p]) as both operands.
    pt.resize(nb * rest);
    for (int64_t i = 0; i < rest; ++i)
      for (int64_t p = 0; p < nb; ++p)
        pt[p * rest + i] = a[(ke + i) * kp + kb + p];
    const int64_t rowBlocks = rest / nb;
    parallelFor(numThreads, rowBlocks, [&](int64_t t) {
      // Largest row blocks (the last rows) first.
      const int64_t rb = kp - (t + 1) * nb;
      gemmSub(nb, rb + nb - ke, nb, pt.data() + (rb - ke), rest, pt.data(),
              rest, a + rb * kp + ke, kp);
    });
  }
  for (int64_t i = 0; i < kp; ++i)
    std::fill(a + i * kp + i + 1, a + (i + 1) * kp, 0.0);
  return true;
}

std::vector<double> qopt::quant::detail::lowerInverse(
    const std::vector<double> &lower, int64_t kp, int numThreads) {
  const int64_t nb = kFactorBlock;
  const double *l = lower.data();
  std::vector<double> result(kp * kp, 0.0);
  double *x = result.data();
  std::vector<double> lt, t, xdd;
  for (int64_t rb = 0; rb < kp; rb += nb) {
    const int64_t re = rb + nb;
    // Diagonal block: forward substitution, column by column.
    for (int64_t j = rb; j < re; ++j) {
      x[j * kp + j] = 1.0 / l[j * kp + j];
      for (int64_t i = j + 1; i < re; ++i) {
        double s = 0.0;
        for (int64_t p = j; p < i; ++p)
          s += l[i * kp + p] * x[p * kp + j];
        x[i * kp + j] = -s / l[i * kp + i];
      }
    }
    if (rb == 0)
      continue;
    // T = -L[r, :rb] · X[:rb, :rb] (nb x rb); X is lower triangular, so
    // column block jb only needs rows p >= jb.
    lt.assign(rb * nb, 0.0);
    for (int64_t m = 0; m < nb; ++m)
      for (int64_t p = 0; p < rb; ++p)
        lt[p * nb + m] = l[(rb + m) * kp + p];
    t.assign(nb * rb, 0.0);
    parallelFor(numThreads, rb / nb, [&](int64_t jt) {
      const int64_t jb = jt * nb;
      gemmSub(nb, nb, rb - jb, lt.data() + jb * nb, nb, x + jb * kp + jb, kp,
              t.data() + jb, rb);
    });
    // X[r, :rb] = -X_dd · (L · X) = X_dd · T: C (zero) -= (-X_dd) · T with
    // the operand transposed (xdd[p][m] = -X_dd[m][p]).
    xdd.assign(nb * nb, 0.0);
    for (int64_t m = 0; m < nb; ++m)
      for (int64_t p = 0; p < nb; ++p)
        xdd[p * nb + m] = -x[(rb + m) * kp + rb + p];
    parallelFor(numThreads, rb / nb, [&](int64_t jt) {
      const int64_t jb = jt * nb;
      gemmSub(nb, nb, nb, xdd.data(), nb, t.data() + jb, rb,
              x + rb * kp + jb, kp);
    });
  }
  return result;
}
