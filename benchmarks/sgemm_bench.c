// OpenBLAS single-precision GEMM throughput, the peer of benchmarks/matmul.sh.
//
//   sgemm_bench M K N [RUNS [WARMUP]]
//
// C[M,N] = A[M,K] * B[K,N], row-major float32, inputs seeded uniform in
// [-1, 1). Runs WARMUP (default 5) untimed calls, then RUNS (default 30) timed
// calls of cblas_sgemm, and prints one line:
//   sgemm M=.. K=.. N=.. threads=.. core=.. runs=.. median_ms=.. min_ms=..
//         max_ms=.. gflops=.. checksum=..
// (gflops = 2*M*N*K / median). Threads: OpenBLAS's own setting
// (OPENBLAS_NUM_THREADS, default all cores); core: the kernel set OpenBLAS
// picked for this CPU (OPENBLAS_CORETYPE overrides it).
#include <cblas.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double nowMs(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmpDouble(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static long parsePositive(const char *s, const char *what) {
  char *end;
  long v = strtol(s, &end, 10);
  if (*s == '\0' || *end != '\0' || v <= 0) {
    fprintf(stderr, "sgemm_bench: %s must be a positive integer, got '%s'\n", what, s);
    exit(1);
  }
  return v;
}

int main(int argc, char **argv) {
  if (argc < 4 || argc > 6) {
    fprintf(stderr, "usage: sgemm_bench M K N [RUNS [WARMUP]]\n");
    return 1;
  }
  long m = parsePositive(argv[1], "M"), k = parsePositive(argv[2], "K"),
       n = parsePositive(argv[3], "N");
  long runs = argc > 4 ? parsePositive(argv[4], "RUNS") : 30;
  long warmup = argc > 5 ? strtol(argv[5], NULL, 10) : 5;
  float *a = malloc(sizeof(float) * m * k), *b = malloc(sizeof(float) * k * n),
        *c = malloc(sizeof(float) * m * n);
  double *ms = malloc(sizeof(double) * runs);
  if (!a || !b || !c || !ms) {
    fprintf(stderr, "sgemm_bench: out of memory\n");
    return 1;
  }
  uint64_t state = 0x9E3779B97F4A7C15ull;
  for (long i = 0; i < m * k + k * n; ++i) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    float v = (float)((state >> 40) / (double)(1 << 24)) * 2.0f - 1.0f;
    if (i < m * k) a[i] = v; else b[i - m * k] = v;
  }
  for (long i = 0; i < warmup; ++i)
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a, k,
                b, n, 0.0f, c, n);
  for (long i = 0; i < runs; ++i) {
    double t0 = nowMs();
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a, k,
                b, n, 0.0f, c, n);
    ms[i] = nowMs() - t0;
  }
  qsort(ms, runs, sizeof(double), cmpDouble);
  double median = runs % 2 ? ms[runs / 2] : (ms[runs / 2 - 1] + ms[runs / 2]) / 2;
  // Use the result so the calls cannot be dropped.
  double checksum = 0;
  for (long i = 0; i < m * n; i += 97) checksum += c[i];
  printf("sgemm M=%ld K=%ld N=%ld threads=%d core=%s runs=%ld median_ms=%.4f "
         "min_ms=%.4f max_ms=%.4f gflops=%.2f checksum=%.6g\n",
         m, k, n, openblas_get_num_threads(), openblas_get_corename(), runs,
         median, ms[0], ms[runs - 1],
         2.0 * m * n * k / (median * 1e-3) / 1e9, checksum);
  free(a); free(b); free(c); free(ms);
  return 0;
}
