// oneDNN int8 matmul throughput, the peer of benchmarks/int8_gemm.sh.
//
//   dnnl_int8_bench M K N [RUNS [WARMUP]]
//
// C[M,N] (s32) = A[M,K] (u8, row-major) * B[K,N] (s8), through oneDNN's C API
// (dnnl_matmul, CPU engine). B is given row-major and reordered once, before
// timing, into the layout oneDNN picks for the primitive (format_tag_any):
// the counterpart of quant-opt packing a constant B at compile time. Inputs
// are seeded. Runs WARMUP (default 5) untimed executions, then RUNS (default
// 30) timed ones, and prints one line:
//   dnnl_int8 M=.. K=.. N=.. impl=.. runs=.. median_ms=.. min_ms=.. max_ms=..
//             gops=.. checksum=..
// (gops = 2*M*N*K / median; impl: the implementation oneDNN chose). Threads:
// oneDNN's OpenMP runtime (OMP_NUM_THREADS, default all cores).
#include <oneapi/dnnl/dnnl.h>
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
    fprintf(stderr, "dnnl_int8_bench: %s must be a positive integer, got '%s'\n",
            what, s);
    exit(1);
  }
  return v;
}

#define CHECK(call)                                                            \
  do {                                                                         \
    dnnl_status_t status_ = (call);                                            \
    if (status_ != dnnl_success) {                                             \
      fprintf(stderr, "dnnl_int8_bench: %s failed: status %d\n", #call,        \
              (int)status_);                                                   \
      exit(1);                                                                 \
    }                                                                          \
  } while (0)

int main(int argc, char **argv) {
  if (argc < 4 || argc > 6) {
    fprintf(stderr, "usage: dnnl_int8_bench M K N [RUNS [WARMUP]]\n");
    return 1;
  }
  long m = parsePositive(argv[1], "M"), k = parsePositive(argv[2], "K"),
       n = parsePositive(argv[3], "N");
  long runs = argc > 4 ? parsePositive(argv[4], "RUNS") : 30;
  long warmup = argc > 5 ? strtol(argv[5], NULL, 10) : 5;

  dnnl_engine_t engine;
  dnnl_stream_t stream;
  CHECK(dnnl_engine_create(&engine, dnnl_cpu, 0));
  CHECK(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags));

  dnnl_memory_desc_t aDesc, bPlainDesc, bAnyDesc, cDesc;
  dnnl_dims_t aDims = {m, k}, bDims = {k, n}, cDims = {m, n};
  CHECK(dnnl_memory_desc_init_by_tag(&aDesc, 2, aDims, dnnl_u8, dnnl_ab));
  CHECK(dnnl_memory_desc_init_by_tag(&bPlainDesc, 2, bDims, dnnl_s8, dnnl_ab));
  CHECK(dnnl_memory_desc_init_by_tag(&bAnyDesc, 2, bDims, dnnl_s8,
                                     dnnl_format_tag_any));
  CHECK(dnnl_memory_desc_init_by_tag(&cDesc, 2, cDims, dnnl_s32, dnnl_ab));
  dnnl_matmul_desc_t matmulDesc;
  CHECK(dnnl_matmul_desc_init(&matmulDesc, &aDesc, &bAnyDesc, NULL, &cDesc));
  dnnl_primitive_desc_t matmulPd;
  CHECK(dnnl_primitive_desc_create(&matmulPd, &matmulDesc, NULL, engine, NULL));
  const char *impl = "?";
  CHECK(dnnl_primitive_desc_query(matmulPd, dnnl_query_impl_info_str, 0, &impl));
  const dnnl_memory_desc_t *bDesc =
      dnnl_primitive_desc_query_md(matmulPd, dnnl_query_weights_md, 0);

  dnnl_memory_t aMem, bPlainMem, bMem, cMem;
  CHECK(dnnl_memory_create(&aMem, &aDesc, engine, DNNL_MEMORY_ALLOCATE));
  CHECK(dnnl_memory_create(&bPlainMem, &bPlainDesc, engine, DNNL_MEMORY_ALLOCATE));
  CHECK(dnnl_memory_create(&bMem, bDesc, engine, DNNL_MEMORY_ALLOCATE));
  CHECK(dnnl_memory_create(&cMem, &cDesc, engine, DNNL_MEMORY_ALLOCATE));
  uint8_t *a;
  int8_t *b;
  CHECK(dnnl_memory_get_data_handle(aMem, (void **)&a));
  CHECK(dnnl_memory_get_data_handle(bPlainMem, (void **)&b));
  uint64_t state = 0x9E3779B97F4A7C15ull;
  for (long i = 0; i < m * k + k * n; ++i) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    uint8_t v = (uint8_t)(state >> 56);
    if (i < m * k) a[i] = v; else b[i - m * k] = (int8_t)v;
  }

  // B into the primitive's layout, once.
  dnnl_primitive_desc_t reorderPd;
  dnnl_primitive_t reorder;
  CHECK(dnnl_reorder_primitive_desc_create(&reorderPd, &bPlainDesc, engine,
                                           bDesc, engine, NULL));
  CHECK(dnnl_primitive_create(&reorder, reorderPd));
  dnnl_exec_arg_t reorderArgs[2] = {{DNNL_ARG_FROM, bPlainMem},
                                    {DNNL_ARG_TO, bMem}};
  CHECK(dnnl_primitive_execute(reorder, stream, 2, reorderArgs));
  CHECK(dnnl_stream_wait(stream));

  dnnl_primitive_t matmul;
  CHECK(dnnl_primitive_create(&matmul, matmulPd));
  dnnl_exec_arg_t args[3] = {
      {DNNL_ARG_SRC, aMem}, {DNNL_ARG_WEIGHTS, bMem}, {DNNL_ARG_DST, cMem}};
  double *ms = malloc(sizeof(double) * runs);
  if (!ms) {
    fprintf(stderr, "dnnl_int8_bench: out of memory\n");
    return 1;
  }
  for (long i = 0; i < warmup; ++i) {
    CHECK(dnnl_primitive_execute(matmul, stream, 3, args));
    CHECK(dnnl_stream_wait(stream));
  }
  for (long i = 0; i < runs; ++i) {
    double t0 = nowMs();
    CHECK(dnnl_primitive_execute(matmul, stream, 3, args));
    CHECK(dnnl_stream_wait(stream));
    ms[i] = nowMs() - t0;
  }
  qsort(ms, runs, sizeof(double), cmpDouble);
  double median = runs % 2 ? ms[runs / 2] : (ms[runs / 2 - 1] + ms[runs / 2]) / 2;
  int32_t *c;
  CHECK(dnnl_memory_get_data_handle(cMem, (void **)&c));
  // Use the result so the calls cannot be dropped; spot-check one element.
  double checksum = 0;
  for (long i = 0; i < m * n; i += 97) checksum += c[i];
  int64_t expect = 0;
  for (long kk = 0; kk < k; ++kk)
    expect += (int64_t)a[(m - 1) * k + kk] * b[kk * n + (n - 1)];
  if (expect != c[m * n - 1]) {
    fprintf(stderr, "dnnl_int8_bench: C[M-1,N-1] = %d, expected %lld\n",
            c[m * n - 1], (long long)expect);
    return 1;
  }
  printf("dnnl_int8 M=%ld K=%ld N=%ld impl=%s runs=%ld median_ms=%.4f "
         "min_ms=%.4f max_ms=%.4f gops=%.2f checksum=%.6g\n",
         m, k, n, impl, runs, median, ms[0], ms[runs - 1],
         2.0 * m * n * k / (median * 1e-3) / 1e9, checksum);
  dnnl_primitive_destroy(matmul);
  dnnl_primitive_destroy(reorder);
  dnnl_primitive_desc_destroy(reorderPd);
  dnnl_primitive_desc_destroy(matmulPd);
  dnnl_memory_destroy(aMem);
  dnnl_memory_destroy(bPlainMem);
  dnnl_memory_destroy(bMem);
  dnnl_memory_destroy(cMem);
  dnnl_stream_destroy(stream);
  dnnl_engine_destroy(engine);
  free(ms);
  return 0;
}
