//===- GPTQ.cpp - GPTQ weight quantization ---------------------------------===//
//
// Frantar et al. 2022 ("GPTQ"), as the authors' gptq.py, in double:
//
//   H = 2/n · G; dead columns (H_ii = 0): H_ii = 1, W[:, i] = 0;
//   act-order: perm = stable argsort of diag(H), descending;
//   H += damp · mean(diag H) · I; U = upper Cholesky factor of H⁻¹;
//   for each column i (in blocks): q = quant(W[:, i]);
//     e = (W[:, i] − dq) / U_ii; W[:, j] −= e · U_ij for j > i.
//
// U is obtained as J · chol(J H J)⁻¹ · J (J the index reversal): H = R Rᵀ
// with R = J L̃ J upper, so H⁻¹ = R⁻ᵀ R⁻¹ and U = R⁻¹ is upper with a
// positive diagonal, i.e. the upper Cholesky factor of H⁻¹.
//
// Every output row (channel) is independent given U, so the column loop runs
// per chunk of rows, chunks spread over threads. Inside a chunk the weight
// is held transposed ([K][chunk] doubles) so a column is a contiguous
// vector; the error of a block of columns is applied to the later columns in
// one gemmSub (the lazy batch update), inside the block column by column.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Quant/GPTQ.h"

#include "LinAlg.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <sstream>
#include <string>

using namespace qopt::quant;
using namespace qopt::quant::detail;

namespace {
int64_t roundUp(int64_t x, int64_t m) { return (x + m - 1) / m * m; }

/// U (k x k, upper) of (H[perm][perm] + dampAdd · I)⁻¹ from the k x k
/// row-major `h` (upper triangle of the permuted matrix read, i.e. entries
/// h[perm[a]][perm[b]] with a <= b). False when not positive definite.
bool factorInverseUpper(const double *h, int64_t k,
                        const std::vector<int64_t> &perm, double dampAdd,
                        int numThreads, std::vector<double> &u) {
  const int64_t kp = roundUp(k, kFactorBlock);
  // P = J Hperm J in the top-left k x k block, identity on the padding:
  // P[a][b] = Hperm[k-1-a][k-1-b]; only the lower triangle (a >= b) is read.
  std::vector<double> p(kp * kp, 0.0);
  parallelFor(numThreads, k, [&](int64_t a) {
    const int64_t ra = perm[k - 1 - a];
    for (int64_t b = 0; b <= a; ++b) {
      const int64_t rb = perm[k - 1 - b];
      // Upper triangle of Hperm: row index k-1-a <= column index k-1-b.
      p[a * kp + b] = h[ra * k + rb];
    }
    p[a * kp + a] += dampAdd;
  });
  for (int64_t a = k; a < kp; ++a)
    p[a * kp + a] = 1.0;
  if (!choleskyLower(p, kp, numThreads))
    return false;
  std::vector<double> x = lowerInverse(p, kp, numThreads);
  u.assign(k * k, 0.0);
  parallelFor(numThreads, k, [&](int64_t i) {
    for (int64_t j = i; j < k; ++j)
      u[i * k + j] = x[(k - 1 - i) * kp + (k - 1 - j)];
  });
  for (int64_t i = 0; i < k; ++i)
    if (!std::isfinite(u[i * k + i]) || !(u[i * k + i] > 0.0))
      return false;
  return true;
}

std::string formatDouble(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

/// Rows of W quantized together (one task); a multiple of kGemmColumns.
constexpr int64_t kChunkRows = 256;

/// Everything one chunk of rows needs, read-only and shared.
struct GptqProblem {
  const float *weight; // [n, k] original order, dead columns zeroed.
  int64_t n, k;
  const std::vector<int64_t> *perm; // Processing position -> original col.
  const std::vector<double> *u;     // k x k upper factor (permuted order).
  const GptqOptions *options;
  int64_t groupSize;  // Effective (k for per channel).
  int64_t numGroups;  // Per row.
  bool dynamicGroups; // Recomputed at each group start.
  bool keepPermutation;
  int32_t qmax;
};

/// Quantizes rows [r0, r1) and writes their codes / scales / zero points
/// into `out`; per-row losses into `rowLoss`.
void quantizeChunk(const GptqProblem &pb, int64_t r0, int64_t r1,
                   RtnWeight &out, std::vector<double> &rowLoss) {
  const int64_t k = pb.k, rows = r1 - r0;
  const int64_t cw = roundUp(rows, kGemmColumns);
  const std::vector<int64_t> &perm = *pb.perm;
  const double *u = pb.u->data();
  const GptqOptions &opt = *pb.options;
  const int64_t gs = pb.groupSize, numGroups = pb.numGroups;
  const bool perChannel = opt.groupSize == 0;

  // Transposed, permuted weight: buf[j][t] = W[r0 + t][perm[j]].
  std::vector<double> buf(k * cw, 0.0);
  for (int64_t t = 0; t < rows; ++t) {
    const float *w = pb.weight + (r0 + t) * k;
    for (int64_t j = 0; j < k; ++j)
      buf[j * cw + t] = w[perm[j]];
  }
  // Group parameters, [cw][numGroups] in storage group order.
  std::vector<RtnGroupParams> params(cw * numGroups);
  auto rangeParams = [&](const float *values, int64_t count) {
    float lo = 0.0f, hi = 0.0f;
    for (int64_t c = 0; c < count; ++c) {
      lo = std::min(lo, values[c]);
      hi = std::max(hi, values[c]);
    }
    return rtnGroupParams(lo, hi, opt.bits, opt.symmetric);
  };
  if (!pb.dynamicGroups)
    for (int64_t t = 0; t < rows; ++t)
      for (int64_t g = 0; g < numGroups; ++g)
        params[t * numGroups + g] =
            rangeParams(pb.weight + (r0 + t) * k + g * gs, gs);

  std::vector<float> column(cw);
  std::vector<double> err(std::min<int64_t>(opt.blockSize, k) * cw);
  std::vector<double> loss(cw, 0.0);
  for (int64_t bs = 0; bs < k;) {
    int64_t be = bs + std::min(opt.blockSize, k - bs);
    // A dynamic group must see all earlier columns' updates when its
    // parameters are computed: a group starting inside the block must end
    // inside it, else the block ends where that group starts.
    if (pb.dynamicGroups) {
      const int64_t g = (be - 1) / gs * gs;
      if (g > bs && g + gs > be)
        be = g;
    }
    for (int64_t i = bs; i < be; ++i) {
      double *wi = buf.data() + i * cw;
      if (pb.dynamicGroups && i % gs == 0) {
        const int64_t g = i / gs;
        for (int64_t t = 0; t < cw; ++t) {
          float lo = 0.0f, hi = 0.0f;
          for (int64_t c = i; c < i + gs; ++c) {
            float v = float(buf[c * cw + t]);
            lo = std::min(lo, v);
            hi = std::max(hi, v);
          }
          params[t * numGroups + g] =
              rtnGroupParams(lo, hi, opt.bits, opt.symmetric);
        }
      }
      const int64_t g = perChannel          ? 0
                        : pb.dynamicGroups ? i / gs
                                           : perm[i] / gs;
      const int64_t storageCol = pb.keepPermutation ? i : perm[i];
      const double d = u[i * k + i];
      double *e = err.data() + (i - bs) * cw;
      for (int64_t t = 0; t < cw; ++t) {
        const RtnGroupParams &p = params[t * numGroups + g];
        const double w = wi[t];
        const int32_t q = quantizeValue(float(w), p.scale, p.zeroPoint, 0,
                                        pb.qmax);
        const double dq = double(float(q - p.zeroPoint) * p.scale);
        const double ei = (w - dq) / d;
        e[t] = ei;
        loss[t] += ei * ei / 2.0;
        if (t < rows)
          out.codes[(r0 + t) * k + storageCol] = uint8_t(q);
      }
      // W[j] -= e · U[i][j] for the block's later columns.
      gemmSub(be - i - 1, cw, 1, u + i * k + i + 1, k, e, cw,
              buf.data() + (i + 1) * cw, cw);
    }
    // Lazy batch update of the columns after the block.
    gemmSub(k - be, cw, be - bs, u + bs * k + be, k, err.data(), cw,
            buf.data() + be * cw, cw);
    bs = be;
  }
  for (int64_t t = 0; t < rows; ++t) {
    rowLoss[r0 + t] = loss[t];
    for (int64_t g = 0; g < numGroups; ++g) {
      out.scales[(r0 + t) * numGroups + g] = params[t * numGroups + g].scale;
      out.zeroPoints[(r0 + t) * numGroups + g] =
          uint8_t(params[t * numGroups + g].zeroPoint);
    }
  }
}
} // namespace

Status qopt::quant::inverseCholeskyUpper(Span<double> h, int64_t k,
                                         int numThreads,
                                         std::vector<double> &u) {
  if (k < 1 || static_cast<int64_t>(h.size()) != k * k)
    return Status::error("inverse Cholesky: matrix of " +
                         std::to_string(h.size()) + " values is not " +
                         std::to_string(k) + " x " + std::to_string(k));
  for (size_t i = 0; i < h.size(); ++i)
    if (!std::isfinite(h[i]))
      return Status::error("inverse Cholesky: element " + std::to_string(i) +
                           " is not finite");
  std::vector<int64_t> identity(k);
  std::iota(identity.begin(), identity.end(), 0);
  if (!factorInverseUpper(h.data(), k, identity, 0.0,
                          resolveThreads(numThreads), u))
    return Status::error("inverse Cholesky: the matrix is not positive "
                         "definite");
  return Status::ok();
}

Status qopt::quant::quantizeGptq(Span<float> weight, int64_t n, int64_t k,
                                 Span<double> gram, int64_t numRows,
                                 const GptqOptions &options, GptqResult &out) {
  const GptqOptions &opt = options;
  if (opt.bits != 2 && opt.bits != 3 && opt.bits != 4 && opt.bits != 8)
    return Status::error("GPTQ: bits must be 2, 3, 4 or 8, got " +
                         std::to_string(opt.bits));
  if (opt.groupSize < 0)
    return Status::error("GPTQ: group size must be 0 (per channel) or "
                         "positive, got " +
                         std::to_string(opt.groupSize));
  if (opt.blockSize < 1)
    return Status::error("GPTQ: block size must be positive, got " +
                         std::to_string(opt.blockSize));
  if (!std::isfinite(opt.damp) || opt.damp < 0.0)
    return Status::error("GPTQ: damp must be a finite non-negative number, "
                         "got " +
                         formatDouble(opt.damp));
  if (opt.maxDampRetries < 0)
    return Status::error("GPTQ: maxDampRetries must be >= 0, got " +
                         std::to_string(opt.maxDampRetries));
  if (opt.numThreads < 0)
    return Status::error("GPTQ: numThreads must be >= 0, got " +
                         std::to_string(opt.numThreads));
  if (n < 1 || k < 1 || static_cast<int64_t>(weight.size()) != n * k)
    return Status::error("GPTQ: weight of " + std::to_string(weight.size()) +
                         " values does not match [" + std::to_string(n) +
                         ", " + std::to_string(k) + "]");
  if (static_cast<int64_t>(gram.size()) != k * k)
    return Status::error("GPTQ: XᵀX of " + std::to_string(gram.size()) +
                         " values, expected K x K = " +
                         std::to_string(k * k));
  if (numRows < 1)
    return Status::error("GPTQ: the XᵀX row count must be >= 1, got " +
                         std::to_string(numRows));
  if (opt.groupSize > 0 && k % opt.groupSize != 0)
    return Status::error("GPTQ: group size " + std::to_string(opt.groupSize) +
                         " does not divide K = " + std::to_string(k));
  for (size_t i = 0; i < weight.size(); ++i)
    if (!std::isfinite(weight[i]))
      return Status::error("GPTQ weight: element " + std::to_string(i) +
                           " (row " + std::to_string(int64_t(i) / k) +
                           ", column " + std::to_string(int64_t(i) % k) +
                           ") is not finite");
  for (size_t i = 0; i < gram.size(); ++i)
    if (!std::isfinite(gram[i]))
      return Status::error("GPTQ XᵀX: element " + std::to_string(i) +
                           " is not finite");
  const int threads = resolveThreads(opt.numThreads);

  // H = 2/n · G; dead columns.
  std::vector<double> h(k * k);
  const double scale = 2.0 / double(numRows);
  for (int64_t i = 0; i < k * k; ++i)
    h[i] = scale * gram[i];
  std::vector<float> w(weight.begin(), weight.end());
  int64_t deadColumns = 0;
  for (int64_t i = 0; i < k; ++i)
    if (h[i * k + i] == 0.0) {
      ++deadColumns;
      h[i * k + i] = 1.0;
      for (int64_t r = 0; r < n; ++r)
        w[r * k + i] = 0.0f;
    }

  std::vector<int64_t> perm(k);
  std::iota(perm.begin(), perm.end(), 0);
  if (opt.actOrder)
    std::stable_sort(perm.begin(), perm.end(), [&](int64_t a, int64_t b) {
      return h[a * k + a] > h[b * k + b];
    });

  double meanDiag = 0.0;
  for (int64_t i = 0; i < k; ++i)
    meanDiag += h[i * k + i];
  meanDiag /= double(k);
  double damp = opt.damp;
  std::vector<double> u;
  for (int attempt = 0;; ++attempt) {
    if (factorInverseUpper(h.data(), k, perm, damp * meanDiag, threads, u))
      break;
    if (attempt == opt.maxDampRetries)
      return Status::error(
          "GPTQ: the Hessian 2/n·XᵀX is not positive definite even with "
          "damp=" +
          formatDouble(damp) + " (after " + std::to_string(attempt) +
          " retries, each multiplying damp by 10)");
    damp = damp > 0.0 ? damp * 10.0 : 0.01;
  }

  GptqProblem pb;
  pb.weight = w.data();
  pb.n = n;
  pb.k = k;
  pb.perm = &perm;
  pb.u = &u;
  pb.options = &opt;
  pb.groupSize = opt.groupSize == 0 ? k : opt.groupSize;
  pb.numGroups = k / pb.groupSize;
  pb.dynamicGroups = opt.groupSize > 0 && !opt.staticGroups;
  pb.keepPermutation = opt.actOrder && pb.dynamicGroups;
  pb.qmax = (1 << opt.bits) - 1;

  GptqResult result;
  RtnWeight &q = result.weight;
  q.n = n;
  q.k = k;
  q.bits = opt.bits;
  q.groupSize = pb.groupSize;
  q.numGroups = pb.numGroups;
  q.symmetric = opt.symmetric;
  q.codes.assign(n * k, 0);
  q.scales.assign(n * pb.numGroups, 1.0f);
  q.zeroPoints.assign(n * pb.numGroups, 0);
  std::vector<double> rowLoss(n, 0.0);
  const int64_t chunks = (n + kChunkRows - 1) / kChunkRows;
  parallelFor(threads, chunks, [&](int64_t c) {
    quantizeChunk(pb, c * kChunkRows, std::min(n, (c + 1) * kChunkRows), q,
                  rowLoss);
  });
  if (pb.keepPermutation)
    result.permutation = perm;
  result.dampUsed = damp;
  result.deadColumns = deadColumns;
  for (double l : rowLoss)
    result.loss += l;
  out = std::move(result);
  return Status::ok();
}

std::vector<float> qopt::quant::dequantizeGptq(const GptqResult &result) {
  std::vector<float> storage = dequantizeRtn(result.weight);
  if (result.permutation.empty())
    return storage;
  const int64_t n = result.weight.n, k = result.weight.k;
  std::vector<float> w(n * k);
  for (int64_t r = 0; r < n; ++r)
    for (int64_t j = 0; j < k; ++j)
      w[r * k + result.permutation[j]] = storage[r * k + j];
  return w;
}

double qopt::quant::layerOutputError(Span<double> gram, int64_t k,
                                     Span<float> weight,
                                     Span<float> weightRecon, int64_t n) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (k < 1 || n < 1 || static_cast<int64_t>(gram.size()) != k * k ||
      static_cast<int64_t>(weight.size()) != n * k ||
      static_cast<int64_t>(weightRecon.size()) != n * k)
    return nan;
  const int threads = resolveThreads(0);
  const int64_t kp = roundUp(k, kGemmColumns);
  // Gp: G with its columns padded to kp; et = Eᵀ ([k][n]).
  std::vector<double> gp(k * kp, 0.0), et(k * n);
  for (int64_t i = 0; i < k; ++i)
    std::copy(gram.data() + i * k, gram.data() + (i + 1) * k,
              gp.data() + i * kp);
  for (int64_t r = 0; r < n; ++r)
    for (int64_t i = 0; i < k; ++i)
      et[i * n + r] = double(weight[r * k + i]) - double(weightRecon[r * k + i]);
  // Per row r: e_r G e_rᵀ, from C = -E G computed by blocks of rows.
  constexpr int64_t kRowBlock = 64, kDepth = 256;
  std::vector<double> rowError(n, 0.0);
  parallelFor(threads, (n + kRowBlock - 1) / kRowBlock, [&](int64_t t) {
    const int64_t r0 = t * kRowBlock, rows = std::min(n, r0 + kRowBlock) - r0;
    std::vector<double> c(rows * kp, 0.0);
    for (int64_t p0 = 0; p0 < k; p0 += kDepth)
      gemmSub(rows, kp, std::min(kDepth, k - p0), et.data() + p0 * n + r0, n,
              gp.data() + p0 * kp, kp, c.data(), kp);
    for (int64_t r = 0; r < rows; ++r) {
      double s = 0.0;
      for (int64_t i = 0; i < k; ++i)
        s -= c[r * kp + i] * et[i * n + r0 + r];
      rowError[r0 + r] = s;
    }
  });
  double total = 0.0;
  for (double e : rowError)
    total += e;
  return total;
}
