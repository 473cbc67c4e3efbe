//===- AWQ.cpp - Activation-aware weight quantization ---------------------===//
//
// Scale search: for every α, the whole weight is quantized in chunks of
// rows (RTN is row-independent), E = Q(W·diag(s))·diag(s)⁻¹ − W is formed
// in double and its loss tr(E M Eᵀ) accumulated, where M is either
// G = XᵀX (K x K, when there are at least K rows) or Xᵀ ([K, rows], loss
// ‖E Xᵀ‖²) — the cheaper of the two exact forms. Clipping works on one
// (row chunk, group) at a time with the group's diagonal block X_gᵀX_g of G
// (computed alone, rows · K · group multiply-adds, when G is not; its slice
// of Xᵀ when there are fewer rows than the group): the group's error
// through X_g only.
//
// The products Z = E M run on GPTQ's kernel (LinAlg.h gemmSub: register
// tiles picked from the host CPU, each element a sum over K in order), for
// whole 16-column tiles of M; the remaining columns in plain loops.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Quant/AWQ.h"
#include "LinAlg.h"
#include "QuantOpt/Quant/Calibrators.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

using namespace qopt::quant;

namespace {

constexpr int kRowBlock = 8;
constexpr int64_t kChunkRows = 64;

/// Per-row quadratic losses of `count` error rows e (row stride `lde`, `len`
/// entries each) through M (`len` rows at stride `ldm`, `p` columns): with
/// `gram`, M is a block of XᵀX (p == len) and loss_r = e_r M e_rᵀ; else M is
/// a slice of Xᵀ and loss_r = ‖e_r M‖². Z = −E M per block of kRowBlock rows
/// of E (packed as eb [len][kRowBlock], zero-padded) by LinAlg's gemmSub
/// for whole kGemmColumns tiles of M's columns, plain loops for the rest;
/// `eb` and `z` are scratch.
void quadraticLosses(const double *e, int64_t count, int64_t lde, int64_t len,
                     const double *m, int64_t ldm, int64_t p, bool gram,
                     double *out, std::vector<double> &eb,
                     std::vector<double> &z) {
  eb.resize(len * kRowBlock);
  z.resize(kRowBlock * p);
  const int64_t pv = p / detail::kGemmColumns * detail::kGemmColumns;
  for (int64_t r0 = 0; r0 < count; r0 += kRowBlock) {
    const int64_t rb = std::min<int64_t>(kRowBlock, count - r0);
    for (int64_t a = 0; a < len; ++a)
      for (int64_t r = 0; r < kRowBlock; ++r)
        eb[a * kRowBlock + r] = r < rb ? e[(r0 + r) * lde + a] : 0.0;
    std::fill(z.begin(), z.end(), 0.0);
    if (pv > 0)
      detail::gemmSub(kRowBlock, pv, len, eb.data(), kRowBlock, m, ldm,
                      z.data(), p);
    for (int64_t r = 0; r < kRowBlock; ++r)
      for (int64_t j = pv; j < p; ++j) {
        double acc = 0.0;
        for (int64_t a = 0; a < len; ++a)
          acc -= eb[a * kRowBlock + r] * m[a * ldm + j];
        z[r * p + j] = acc;
      }
    for (int64_t r = 0; r < rb; ++r) {
      const double *zr = z.data() + r * p;
      double loss = 0.0;
      if (gram) {
        const double *er = e + (r0 + r) * lde;
        for (int64_t j = 0; j < p; ++j)
          loss -= zr[j] * er[j];
      } else {
        for (int64_t j = 0; j < p; ++j)
          loss += zr[j] * zr[j];
      }
      out[r0 + r] = std::max(loss, 0.0);
    }
  }
}

/// Exact squared output errors over the calibration rows X [rows, K]: of
/// whole error rows (length K) through G = XᵀX (rows >= K) or Xᵀ (fewer
/// rows: cheaper), and of one group's slice through the group's diagonal
/// block X_gᵀX_g (group <= rows) or its slice of Xᵀ.
class LossEvaluator {
public:
  LossEvaluator(Span<float> rows, int64_t numRows, int64_t k, int64_t group)
      : k_(k), numRows_(numRows), group_(group) {
    if (numRows < k) {
      useGram_ = false;
      xt_.assign(k * numRows, 0.0);
      for (int64_t r = 0; r < numRows; ++r)
        for (int64_t c = 0; c < k; ++c)
          xt_[c * numRows + r] = rows[r * k + c];
    } else {
      GramAccumulator gram(k);
      (void)gram.observe(rows);
      gram_ = gram.matrix();
    }
    // Diagonal blocks: rows · K · group multiply-adds.
    useBlocks_ = group <= numRows;
    if (useGram_ || !useBlocks_)
      return;
    const int64_t numGroups = k / group;
    blocks_.assign(numGroups * group * group, 0.0);
    for (int64_t g = 0; g < numGroups; ++g) {
      double *block = blocks_.data() + g * group * group;
      for (int64_t r = 0; r < numRows; ++r) {
        const float *x = rows.data() + r * k + g * group;
        for (int64_t a = 0; a < group; ++a) {
          const double xa = x[a];
          double *row = block + a * group;
          for (int64_t b = 0; b < group; ++b)
            row[b] += xa * double(x[b]);
        }
      }
    }
  }

  /// Losses of `count` full error rows (length K, stride `lde`).
  void rowLosses(const double *e, int64_t count, int64_t lde, double *out) {
    if (useGram_)
      quadraticLosses(e, count, lde, k_, gram_.data(), k_, k_, true, out, eb_,
                      z_);
    else
      quadraticLosses(e, count, lde, k_, xt_.data(), numRows_, numRows_, false,
                      out, eb_, z_);
  }

  /// Losses of `count` error rows of group `g` (length group, stride `lde`)
  /// through X_g only.
  void groupLosses(const double *e, int64_t count, int64_t lde, int64_t g,
                   double *out) {
    const int64_t c0 = g * group_;
    if (useGram_)
      quadraticLosses(e, count, lde, group_, gram_.data() + c0 * k_ + c0, k_,
                      group_, true, out, eb_, z_);
    else if (useBlocks_)
      quadraticLosses(e, count, lde, group_,
                      blocks_.data() + g * group_ * group_, group_, group_,
                      true, out, eb_, z_);
    else
      quadraticLosses(e, count, lde, group_, xt_.data() + c0 * numRows_,
                      numRows_, numRows_, false, out, eb_, z_);
  }

private:
  int64_t k_, numRows_, group_;
  bool useGram_ = true, useBlocks_ = false;
  std::vector<double> gram_, xt_, blocks_;
  std::vector<double> eb_, z_;
};

Status checkFiniteSpan(Span<float> values, const char *what, bool nonNegative) {
  for (size_t i = 0; i < values.size(); ++i)
    if (!std::isfinite(values[i]) || (nonNegative && values[i] < 0))
      return Status::error(
          std::string("AWQ: ") + what + " element " + std::to_string(i) +
          (nonNegative ? " is not finite and >= 0" : " is not finite"));
  return Status::ok();
}

} // namespace

std::vector<float> qopt::quant::awqScales(Span<float> meanAbs, double alpha) {
  std::vector<double> s(meanAbs.size());
  double lo = std::numeric_limits<double>::infinity(), hi = 0.0;
  for (size_t j = 0; j < s.size(); ++j) {
    s[j] = std::max(std::pow(double(meanAbs[j]), alpha), 1e-4);
    lo = std::min(lo, s[j]);
    hi = std::max(hi, s[j]);
  }
  const double norm = s.empty() ? 1.0 : std::sqrt(hi * lo);
  std::vector<float> out(s.size());
  for (size_t j = 0; j < s.size(); ++j)
    out[j] = float(s[j] / norm);
  return out;
}

double qopt::quant::awqOutputError(Span<float> weight, Span<float> weightRecon,
                                   int64_t n, int64_t k, Span<float> rows,
                                   int64_t numRows) {
  double total = 0.0;
  for (int64_t o = 0; o < n; ++o)
    for (int64_t r = 0; r < numRows; ++r) {
      double y = 0.0;
      for (int64_t c = 0; c < k; ++c)
        y += (double(weightRecon[o * k + c]) - double(weight[o * k + c])) *
             double(rows[r * k + c]);
      total += y * y;
    }
  return total;
}

Status qopt::quant::awqQuantize(Span<float> weight, int64_t n, int64_t k,
                                Span<float> meanAbs, Span<float> rows,
                                int64_t numRows, const AwqOptions &options,
                                AwqResult &out) {
  if (options.bits != 2 && options.bits != 3 && options.bits != 4 &&
      options.bits != 8)
    return Status::error("AWQ: bits must be 2, 3, 4 or 8, got " +
                         std::to_string(options.bits));
  if (options.alphaGrid < 1)
    return Status::error("AWQ: alpha-grid must be >= 1, got " +
                         std::to_string(options.alphaGrid));
  if (options.clipGrid < 1 || !(options.maxShrink >= 0.0) ||
      !(options.maxShrink < 1.0))
    return Status::error("AWQ: the clipping grid needs clip-grid >= 1 and "
                         "max-shrink in [0, 1)");
  if (n < 1 || k < 1 || (int64_t)weight.size() != n * k)
    return Status::error("AWQ: weight of " + std::to_string(weight.size()) +
                         " values does not match [" + std::to_string(n) + ", " +
                         std::to_string(k) + "]");
  if ((int64_t)meanAbs.size() != k)
    return Status::error(
        "AWQ: " + std::to_string(meanAbs.size()) +
        " channel mean |x| values for K = " + std::to_string(k));
  if (numRows < 1 || (int64_t)rows.size() != numRows * k)
    return Status::error(
        "AWQ: " + std::to_string(rows.size()) + " calibration values are not " +
        std::to_string(numRows) + " (>= 1) rows of " + std::to_string(k));
  if (options.groupSize < 0 || (options.groupSize > 0 && k % options.groupSize))
    return Status::error(
        "AWQ: group size " + std::to_string(options.groupSize) +
        " does not divide K = " + std::to_string(k) + " (0 = per channel)");
  if (Status s = checkFiniteSpan(weight, "weight", false); s.failed())
    return s;
  if (Status s = checkFiniteSpan(meanAbs, "channel mean |x|", true); s.failed())
    return s;
  if (Status s = checkFiniteSpan(rows, "calibration row value", false);
      s.failed())
    return s;

  RtnOptions rtn;
  rtn.bits = options.bits;
  rtn.groupSize = options.groupSize;
  rtn.symmetric = options.symmetric;
  const int64_t group = options.groupSize == 0 ? k : options.groupSize;
  const int64_t numGroups = k / group;

  LossEvaluator evaluator(rows, numRows, k, group);
  std::vector<float> scaled(kChunkRows * k);
  std::vector<double> err(kChunkRows * k), losses(kChunkRows);

  // Loss of quantizing W·diag(s) with `ranges` (null: the groups' own
  // min / max), seen through diag(s)⁻¹; optionally keeps the codes.
  auto totalLoss = [&](const std::vector<float> &s, const float *lo,
                       const float *hi, RtnWeight *keep,
                       double &loss) -> Status {
    loss = 0.0;
    for (int64_t r0 = 0; r0 < n; r0 += kChunkRows) {
      const int64_t rc = std::min(kChunkRows, n - r0);
      for (int64_t r = 0; r < rc; ++r)
        for (int64_t c = 0; c < k; ++c)
          scaled[r * k + c] = weight[(r0 + r) * k + c] * s[c];
      Span<float> chunk(scaled.data(), rc * k);
      RtnWeight q;
      Status st = lo ? quantizeRtnWithRanges(
                           chunk, rc, k, rtn,
                           Span<float>(lo + r0 * numGroups, rc * numGroups),
                           Span<float>(hi + r0 * numGroups, rc * numGroups), q)
                     : quantizeRtn(chunk, rc, k, rtn, q);
      if (st.failed())
        return st;
      std::vector<float> deq = dequantizeRtn(q);
      for (int64_t r = 0; r < rc; ++r)
        for (int64_t c = 0; c < k; ++c)
          err[r * k + c] = double(deq[r * k + c]) / double(s[c]) -
                           double(weight[(r0 + r) * k + c]);
      evaluator.rowLosses(err.data(), rc, k, losses.data());
      for (int64_t r = 0; r < rc; ++r)
        loss += losses[r];
      if (keep) {
        std::copy(q.codes.begin(), q.codes.end(), keep->codes.begin() + r0 * k);
        std::copy(q.scales.begin(), q.scales.end(),
                  keep->scales.begin() + r0 * numGroups);
        std::copy(q.zeroPoints.begin(), q.zeroPoints.end(),
                  keep->zeroPoints.begin() + r0 * numGroups);
      }
    }
    return Status::ok();
  };

  // 1. Scale search.
  AwqResult result;
  result.lossPerAlpha.resize(options.alphaGrid);
  double best = std::numeric_limits<double>::infinity();
  for (int i = 0; i < options.alphaGrid; ++i) {
    const double alpha = double(i) / double(options.alphaGrid);
    std::vector<float> s = awqScales(meanAbs, alpha);
    double loss;
    if (Status st = totalLoss(s, nullptr, nullptr, nullptr, loss); st.failed())
      return st;
    result.lossPerAlpha[i] = loss;
    if (loss < best) { // strict: ties keep the smaller α
      best = loss;
      result.alpha = alpha;
      result.scales = std::move(s);
    }
  }
  const std::vector<float> &s = result.scales;

  // 2. Clipping search on W·diag(s), per (row, group).
  std::vector<float> lo, hi;
  std::vector<float> full(n * k);
  for (int64_t r = 0; r < n; ++r)
    for (int64_t c = 0; c < k; ++c)
      full[r * k + c] = weight[r * k + c] * s[c];
  if (Status st = rtnGroupRanges(full, n, k, rtn, lo, hi); st.failed())
    return st;
  result.clipRatio.assign(n * numGroups, 1.0f);
  const int steps =
      options.clip ? int(std::ceil(options.maxShrink * options.clipGrid - 1e-9))
                   : 0;
  if (steps > 1) {
    RtnOptions one = rtn;
    one.groupSize = 0;
    std::vector<float> sub(kChunkRows * group), clo(kChunkRows),
        chi(kChunkRows), orgMax(kChunkRows);
    std::vector<double> gErr(kChunkRows * group), gLoss(kChunkRows),
        bestLoss(kChunkRows);
    for (int64_t r0 = 0; r0 < n; r0 += kChunkRows) {
      const int64_t rc = std::min(kChunkRows, n - r0);
      for (int64_t g = 0; g < numGroups; ++g) {
        const int64_t c0 = g * group;
        for (int64_t r = 0; r < rc; ++r) {
          float m = 0.0f;
          for (int64_t c = 0; c < group; ++c) {
            sub[r * group + c] = full[(r0 + r) * k + c0 + c];
            m = std::max(m, std::fabs(sub[r * group + c]));
          }
          orgMax[r] = m;
        }
        for (int i = 0; i < steps; ++i) {
          const float ratio = float(1.0 - double(i) / options.clipGrid);
          for (int64_t r = 0; r < rc; ++r) {
            const float mv = orgMax[r] * ratio;
            const int64_t at = (r0 + r) * numGroups + g;
            clo[r] = std::clamp(lo[at], -mv, mv);
            chi[r] = std::clamp(hi[at], -mv, mv);
          }
          RtnWeight q;
          Status st = quantizeRtnWithRanges(
              Span<float>(sub.data(), rc * group), rc, group, one,
              Span<float>(clo.data(), rc), Span<float>(chi.data(), rc), q);
          if (st.failed())
            return st;
          std::vector<float> deq = dequantizeRtn(q);
          // Error in the original input's space: (Q(W'_g) − W'_g) / s_g.
          for (int64_t r = 0; r < rc; ++r)
            for (int64_t c = 0; c < group; ++c)
              gErr[r * group + c] =
                  (double(deq[r * group + c]) - double(sub[r * group + c])) /
                  double(s[c0 + c]);
          evaluator.groupLosses(gErr.data(), rc, group, g, gLoss.data());
          for (int64_t r = 0; r < rc; ++r)
            if (i == 0 || gLoss[r] < bestLoss[r]) { // ties: less clipping
              bestLoss[r] = gLoss[r];
              result.clipRatio[(r0 + r) * numGroups + g] = ratio;
            }
        }
        for (int64_t r = 0; r < rc; ++r) {
          const int64_t at = (r0 + r) * numGroups + g;
          const float mv = orgMax[r] * result.clipRatio[at];
          lo[at] = std::clamp(lo[at], -mv, mv);
          hi[at] = std::clamp(hi[at], -mv, mv);
        }
      }
    }
  }

  // 3. The final codes with the chosen ranges, and their loss.
  RtnWeight &w = result.weight;
  w.n = n;
  w.k = k;
  w.bits = options.bits;
  w.groupSize = group;
  w.numGroups = numGroups;
  w.symmetric = options.symmetric;
  w.codes.resize(n * k);
  w.scales.resize(n * numGroups);
  w.zeroPoints.resize(n * numGroups);
  if (Status st = totalLoss(s, lo.data(), hi.data(), &w, result.loss);
      st.failed())
    return st;
  out = std::move(result);
  return Status::ok();
}
