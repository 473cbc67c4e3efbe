//===- GPTQTest.cpp - GPTQ against RTN and a plain reference --------------===//

#include "QuantOpt/Quant/Calibrators.h"
#include "QuantOpt/Quant/Encoders.h"
#include "QuantOpt/Quant/GPTQ.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

using namespace qopt::quant;

namespace {

/// `rows` calibration rows of K correlated, unevenly scaled columns:
/// x = z · A · diag(s), z ~ N(0, 1), A = I + 0.4 · N(0, 1) / sqrt(K),
/// s_j = exp(U(-1, 1)).
std::vector<float> correlatedRows(int64_t rows, int64_t k, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> uni(-1.0, 1.0);
  std::vector<double> a(k * k);
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = 0; j < k; ++j)
      a[i * k + j] = (i == j ? 1.0 : 0.0) + 0.4 * normal(rng) / std::sqrt(k);
  std::vector<double> s(k);
  for (double &v : s)
    v = std::exp(uni(rng));
  std::vector<float> x(rows * k);
  std::vector<double> z(k);
  for (int64_t r = 0; r < rows; ++r) {
    for (double &v : z)
      v = normal(rng);
    for (int64_t j = 0; j < k; ++j) {
      double acc = 0.0;
      for (int64_t i = 0; i < k; ++i)
        acc += z[i] * a[i * k + j];
      x[r * k + j] = float(acc * s[j]);
    }
  }
  return x;
}

/// N(0, 1) weights with a few 5x outliers.
std::vector<float> randomWeight(int64_t n, int64_t k, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> w(n * k);
  for (float &v : w)
    v = normal(rng);
  for (int64_t i = 0; i < n * k; i += 37)
    w[i] *= 5.0f;
  return w;
}

/// The same algorithm written plainly: unblocked, explicit Cholesky →
/// inverse → Cholesky of the inverse (upper factor), one column at a time
/// with the full update of every later column.
struct Reference {
  std::vector<uint8_t> codes; // Storage order, as GptqResult.
  std::vector<float> scales;
  std::vector<uint8_t> zeroPoints;
  std::vector<int64_t> permutation;
  double loss = 0.0;
};

std::vector<double> naiveCholeskyLower(const std::vector<double> &a,
                                       int64_t k) {
  std::vector<double> l(k * k, 0.0);
  for (int64_t j = 0; j < k; ++j)
    for (int64_t i = j; i < k; ++i) {
      double s = a[i * k + j];
      for (int64_t p = 0; p < j; ++p)
        s -= l[i * k + p] * l[j * k + p];
      l[i * k + j] = i == j ? std::sqrt(s) : s / l[j * k + j];
    }
  return l;
}

/// Upper Cholesky factor of H⁻¹ the three-step way.
std::vector<double> threeStepU(const std::vector<double> &h, int64_t k) {
  std::vector<double> l = naiveCholeskyLower(h, k);
  // L⁻¹ by forward substitution, then H⁻¹ = L⁻ᵀ L⁻¹.
  std::vector<double> li(k * k, 0.0);
  for (int64_t j = 0; j < k; ++j) {
    li[j * k + j] = 1.0 / l[j * k + j];
    for (int64_t i = j + 1; i < k; ++i) {
      double s = 0.0;
      for (int64_t p = j; p < i; ++p)
        s += l[i * k + p] * li[p * k + j];
      li[i * k + j] = -s / l[i * k + i];
    }
  }
  std::vector<double> hinv(k * k, 0.0);
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = 0; j < k; ++j) {
      double s = 0.0;
      for (int64_t p = std::max(i, j); p < k; ++p)
        s += li[p * k + i] * li[p * k + j];
      hinv[i * k + j] = s;
    }
  std::vector<double> m = naiveCholeskyLower(hinv, k), u(k * k, 0.0);
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = i; j < k; ++j)
      u[i * k + j] = m[j * k + i];
  return u;
}

Reference referenceGptq(const std::vector<float> &weight, int64_t n, int64_t k,
                        const std::vector<double> &gram, int64_t numRows,
                        const GptqOptions &opt) {
  std::vector<double> h(k * k);
  for (int64_t i = 0; i < k * k; ++i)
    h[i] = 2.0 / double(numRows) * gram[i];
  std::vector<float> w = weight;
  for (int64_t i = 0; i < k; ++i)
    if (h[i * k + i] == 0.0) {
      h[i * k + i] = 1.0;
      for (int64_t r = 0; r < n; ++r)
        w[r * k + i] = 0.0f;
    }
  const int64_t gs = opt.groupSize == 0 ? k : opt.groupSize;
  const int64_t numGroups = k / gs;
  const bool dynamic = opt.groupSize > 0 && !opt.staticGroups;
  std::vector<RtnGroupParams> params(n * numGroups);
  if (!dynamic)
    for (int64_t r = 0; r < n; ++r)
      for (int64_t g = 0; g < numGroups; ++g) {
        float lo = 0.0f, hi = 0.0f;
        for (int64_t c = g * gs; c < (g + 1) * gs; ++c) {
          lo = std::min(lo, w[r * k + c]);
          hi = std::max(hi, w[r * k + c]);
        }
        params[r * numGroups + g] =
            rtnGroupParams(lo, hi, opt.bits, opt.symmetric);
      }
  std::vector<int64_t> perm(k);
  std::iota(perm.begin(), perm.end(), 0);
  if (opt.actOrder)
    std::stable_sort(perm.begin(), perm.end(), [&](int64_t a, int64_t b) {
      return h[a * k + a] > h[b * k + b];
    });
  double mean = 0.0;
  for (int64_t i = 0; i < k; ++i)
    mean += h[i * k + i];
  mean /= double(k);
  std::vector<double> hp(k * k);
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = 0; j < k; ++j)
      hp[i * k + j] = h[perm[i] * k + perm[j]];
  for (int64_t i = 0; i < k; ++i)
    hp[i * k + i] += opt.damp * mean;
  std::vector<double> u = threeStepU(hp, k);

  Reference ref;
  const bool keep = opt.actOrder && dynamic;
  ref.codes.assign(n * k, 0);
  const int32_t qmax = (1 << opt.bits) - 1;
  for (int64_t r = 0; r < n; ++r) {
    std::vector<double> wp(k);
    for (int64_t j = 0; j < k; ++j)
      wp[j] = w[r * k + perm[j]];
    for (int64_t i = 0; i < k; ++i) {
      if (dynamic && i % gs == 0) {
        float lo = 0.0f, hi = 0.0f;
        for (int64_t c = i; c < i + gs; ++c) {
          lo = std::min(lo, float(wp[c]));
          hi = std::max(hi, float(wp[c]));
        }
        params[r * numGroups + i / gs] =
            rtnGroupParams(lo, hi, opt.bits, opt.symmetric);
      }
      const int64_t g = opt.groupSize == 0 ? 0 : dynamic ? i / gs : perm[i] / gs;
      const RtnGroupParams &p = params[r * numGroups + g];
      int32_t q = quantizeValue(float(wp[i]), p.scale, p.zeroPoint, 0, qmax);
      double dq = double(float(q - p.zeroPoint) * p.scale);
      double e = (wp[i] - dq) / u[i * k + i];
      ref.loss += e * e / 2.0;
      for (int64_t j = i + 1; j < k; ++j)
        wp[j] -= e * u[i * k + j];
      ref.codes[r * k + (keep ? i : perm[i])] = uint8_t(q);
    }
  }
  for (const RtnGroupParams &p : params) {
    ref.scales.push_back(p.scale);
    ref.zeroPoints.push_back(uint8_t(p.zeroPoint));
  }
  if (keep)
    ref.permutation = perm;
  return ref;
}

struct Layer {
  int64_t n, k, rows;
  std::vector<float> x, w;
  std::vector<double> gram;
};

Layer makeLayer(int64_t n, int64_t k, int64_t rows, unsigned seed) {
  Layer layer{n, k, rows, correlatedRows(rows, k, seed),
              randomWeight(n, k, seed + 100), {}};
  layer.gram = naiveGram(layer.x, rows, k);
  return layer;
}

double rtnError(const Layer &layer, int bits, int64_t groupSize,
                bool symmetric) {
  RtnOptions rtn;
  rtn.bits = bits;
  rtn.groupSize = groupSize;
  rtn.symmetric = symmetric;
  RtnWeight q;
  EXPECT_TRUE(quantizeRtn(layer.w, layer.n, layer.k, rtn, q).isOk());
  return layerOutputError(layer.gram, layer.k, layer.w, dequantizeRtn(q),
                          layer.n);
}

std::string describe(const GptqOptions &o) {
  return "bits=" + std::to_string(o.bits) +
         " group=" + std::to_string(o.groupSize) +
         " act=" + std::to_string(o.actOrder) +
         " static=" + std::to_string(o.staticGroups) +
         " sym=" + std::to_string(o.symmetric) +
         " block=" + std::to_string(o.blockSize);
}

} // namespace

TEST(Gptq, InverseCholeskyUpperMatchesThreeSteps) {
  // U = J chol(J H J)⁻¹ J equals chol(H) → inverse → upper chol, for sizes
  // around the 64-column factorisation blocks; and is independent of the
  // thread count.
  for (int64_t k : {1, 7, 64, 100, 200}) {
    std::vector<float> x = correlatedRows(3 * k + 5, k, unsigned(k));
    std::vector<double> h = naiveGram(x, 3 * k + 5, k);
    for (int64_t i = 0; i < k; ++i)
      h[i * k + i] += 0.5;
    std::vector<double> want = threeStepU(h, k), u1, u2;
    ASSERT_TRUE(inverseCholeskyUpper(h, k, 1, u1).isOk());
    ASSERT_TRUE(inverseCholeskyUpper(h, k, 2, u2).isOk());
    EXPECT_EQ(u1, u2) << "K=" << k;
    double maxDiff = 0.0;
    for (int64_t i = 0; i < k * k; ++i)
      maxDiff = std::max(maxDiff, std::fabs(u1[i] - want[i]));
    EXPECT_LT(maxDiff, 1e-10) << "K=" << k;
  }
  std::vector<double> indefinite = {1, 2, 2, 1};
  std::vector<double> u;
  Status s = inverseCholeskyUpper(indefinite, 2, 1, u);
  ASSERT_TRUE(s.failed());
  EXPECT_NE(s.message().find("not positive definite"), std::string::npos);
}

TEST(Gptq, MatchesPlainReference) {
  // Blocked, threaded GPTQ = the plain double-precision loops: identical
  // codes / scales / zero points / permutation, equal output error and loss.
  struct Case {
    int64_t k;
    int bits;
    int64_t group, block;
    bool act, stat, sym;
  };
  const Case cases[] = {
      {64, 4, 0, 16, false, false, false},  // per channel, lazy updates
      {96, 4, 0, 16, true, false, true},    // per channel, act-order
      {64, 4, 32, 16, false, false, false}, // dynamic groups
      {96, 3, 32, 16, true, false, false},  // act-order + dynamic groups
      {96, 4, 32, 16, true, true, true},    // act-order + static groups
      {96, 2, 32, 48, false, false, true},  // group starts mid-block
      {96, 4, 16, 40, true, false, false},  // block not a group multiple
      {64, 8, 32, 128, true, false, false}, // one block (block > K)
      {64, 4, 32, std::numeric_limits<int64_t>::max(), false, false, true},
  };
  for (const Case &c : cases) {
    Layer layer = makeLayer(24, c.k, 256, unsigned(c.k + c.bits));
    GptqOptions opt;
    opt.bits = c.bits;
    opt.groupSize = c.group;
    opt.blockSize = c.block;
    opt.actOrder = c.act;
    opt.staticGroups = c.stat;
    opt.symmetric = c.sym;
    opt.numThreads = 2;
    GptqResult got;
    Status s =
        quantizeGptq(layer.w, layer.n, layer.k, layer.gram, layer.rows, opt, got);
    ASSERT_TRUE(s.isOk()) << s.message();
    Reference want =
        referenceGptq(layer.w, layer.n, layer.k, layer.gram, layer.rows, opt);
    SCOPED_TRACE(describe(opt));
    EXPECT_EQ(got.weight.codes, want.codes);
    EXPECT_EQ(got.weight.scales, want.scales);
    EXPECT_EQ(got.weight.zeroPoints, want.zeroPoints);
    EXPECT_EQ(got.permutation, want.permutation);
    EXPECT_EQ(got.weight.groupSize, c.group == 0 ? c.k : c.group);
    EXPECT_EQ(got.weight.numGroups, c.group == 0 ? 1 : c.k / c.group);
    EXPECT_EQ(got.dampUsed, 0.01);
    EXPECT_NEAR(got.loss, want.loss, 1e-9 * want.loss);
    // The reference's reconstruction in original order.
    RtnWeight wantWeight = got.weight;
    wantWeight.codes = want.codes;
    std::vector<float> wantRecon = dequantizeRtn(wantWeight);
    if (!want.permutation.empty()) {
      std::vector<float> orig(wantRecon.size());
      for (int64_t r = 0; r < layer.n; ++r)
        for (int64_t j = 0; j < layer.k; ++j)
          orig[r * layer.k + want.permutation[j]] = wantRecon[r * layer.k + j];
      wantRecon = orig;
    }
    std::vector<float> gotRecon = dequantizeGptq(got);
    EXPECT_EQ(gotRecon, wantRecon);
    double eGot = layerOutputError(layer.gram, layer.k, layer.w, gotRecon,
                                   layer.n);
    double eWant = layerOutputError(layer.gram, layer.k, layer.w, wantRecon,
                                    layer.n);
    EXPECT_NEAR(eGot, eWant, 1e-6 * eWant);
  }
}

TEST(Gptq, BeatsRtnOnTheSameGrid) {
  // ‖(W − Ŵ)Xᵀ‖² of GPTQ is below RTN's with the same bits / groups /
  // symmetry, on a layer whose inputs have correlated columns.
  for (int64_t k : {64, 96}) {
    Layer layer = makeLayer(24, k, 512, unsigned(7 * k));
    for (int bits : {2, 3, 4, 8})
      for (bool sym : {false, true})
        for (int variant = 0; variant < 5; ++variant) {
          GptqOptions opt;
          opt.bits = bits;
          opt.symmetric = sym;
          opt.blockSize = 32;
          opt.groupSize = variant == 0 || variant == 1 ? 0 : 32;
          opt.actOrder = variant == 1 || variant >= 3;
          opt.staticGroups = variant == 4;
          GptqResult q;
          ASSERT_TRUE(quantizeGptq(layer.w, layer.n, layer.k, layer.gram,
                                   layer.rows, opt, q)
                          .isOk());
          double gptq = layerOutputError(layer.gram, k, layer.w,
                                         dequantizeGptq(q), layer.n);
          double rtn = rtnError(layer, bits, opt.groupSize, sym);
          EXPECT_LT(gptq, rtn) << "K=" << k << " " << describe(opt);
        }
  }
}

TEST(Gptq, ThreadCountDoesNotChangeTheResult) {
  // 600 rows = 3 chunks of rows; 1, 2 and 3 threads give identical results.
  Layer layer = makeLayer(600, 128, 300, 5);
  GptqOptions opt;
  opt.groupSize = 32;
  opt.blockSize = 64;
  GptqResult r1, r2, r3;
  opt.numThreads = 1;
  ASSERT_TRUE(quantizeGptq(layer.w, 600, 128, layer.gram, 300, opt, r1).isOk());
  opt.numThreads = 2;
  ASSERT_TRUE(quantizeGptq(layer.w, 600, 128, layer.gram, 300, opt, r2).isOk());
  opt.numThreads = 3;
  ASSERT_TRUE(quantizeGptq(layer.w, 600, 128, layer.gram, 300, opt, r3).isOk());
  EXPECT_EQ(r1.weight.codes, r2.weight.codes);
  EXPECT_EQ(r1.weight.codes, r3.weight.codes);
  EXPECT_EQ(r1.weight.scales, r3.weight.scales);
  EXPECT_EQ(r1.loss, r2.loss);
  EXPECT_EQ(r1.loss, r3.loss);
}

TEST(Gptq, DeadColumns) {
  // Inputs that are always 0 in columns 3 and 40: H_ii = 0, the weight
  // there is zeroed, and the rest still matches the reference.
  const int64_t n = 24, k = 64, rows = 200;
  std::vector<float> x = correlatedRows(rows, k, 11);
  for (int64_t r = 0; r < rows; ++r)
    x[r * k + 3] = x[r * k + 40] = 0.0f;
  std::vector<double> gram = naiveGram(x, rows, k);
  std::vector<float> w = randomWeight(n, k, 12);
  for (bool act : {false, true}) {
    GptqOptions opt;
    opt.groupSize = 16;
    opt.blockSize = 16;
    opt.actOrder = act;
    GptqResult q;
    ASSERT_TRUE(quantizeGptq(w, n, k, gram, rows, opt, q).isOk());
    EXPECT_EQ(q.deadColumns, 2);
    std::vector<float> recon = dequantizeGptq(q);
    for (int64_t r = 0; r < n; ++r) {
      EXPECT_EQ(recon[r * k + 3], 0.0f);
      EXPECT_EQ(recon[r * k + 40], 0.0f);
    }
    Reference want = referenceGptq(w, n, k, gram, rows, opt);
    EXPECT_EQ(q.weight.codes, want.codes);
    EXPECT_EQ(q.permutation, want.permutation);
    if (act) { // Both dead columns get H_ii = 1: adjacent, 3 first (stable).
      auto at = [&](int64_t c) {
        return std::find(q.permutation.begin(), q.permutation.end(), c) -
               q.permutation.begin();
      };
      EXPECT_EQ(at(40), at(3) + 1);
    }
  }
}

namespace {
/// Q diag(λ) Qᵀ for a fixed random orthogonal Q (Gram-Schmidt).
std::vector<double> withEigenvalues(const std::vector<double> &lambda) {
  const int64_t k = lambda.size();
  std::mt19937 rng(3);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<double> q(k * k);
  for (double &v : q)
    v = normal(rng);
  for (int64_t i = 0; i < k; ++i) { // Rows of q orthonormal.
    for (int64_t p = 0; p < i; ++p) {
      double d = 0.0;
      for (int64_t j = 0; j < k; ++j)
        d += q[i * k + j] * q[p * k + j];
      for (int64_t j = 0; j < k; ++j)
        q[i * k + j] -= d * q[p * k + j];
    }
    double norm = 0.0;
    for (int64_t j = 0; j < k; ++j)
      norm += q[i * k + j] * q[i * k + j];
    for (int64_t j = 0; j < k; ++j)
      q[i * k + j] /= std::sqrt(norm);
  }
  std::vector<double> h(k * k, 0.0);
  for (int64_t a = 0; a < k; ++a)
    for (int64_t b = 0; b < k; ++b)
      for (int64_t p = 0; p < k; ++p)
        h[a * k + b] += q[p * k + a] * lambda[p] * q[p * k + b];
  return h;
}
} // namespace

TEST(Gptq, DampeningRetry) {
  // H = gram (numRows = 2) with eigenvalues 1 (x 15) and -0.05: mean(diag)
  // = tr / K ≈ 0.934, so damp 0.01 (λ ≈ 0.0093) fails and damp 0.1 (λ ≈
  // 0.093) succeeds.
  const int64_t n = 4, k = 16;
  std::vector<double> lambda(k, 1.0);
  lambda[5] = -0.05;
  std::vector<double> gram = withEigenvalues(lambda);
  std::vector<float> w = randomWeight(n, k, 1);
  GptqOptions opt;
  opt.groupSize = 0;
  GptqResult q;
  Status s = quantizeGptq(w, n, k, gram, 2, opt, q);
  ASSERT_TRUE(s.isOk()) << s.message();
  EXPECT_DOUBLE_EQ(q.dampUsed, 0.1);

  // Eigenvalue -5: damp 0.01 and 0.1 both fail with one retry allowed.
  lambda[5] = -5.0;
  gram = withEigenvalues(lambda);
  opt.maxDampRetries = 1;
  s = quantizeGptq(w, n, k, gram, 2, opt, q);
  ASSERT_TRUE(s.failed());
  EXPECT_NE(s.message().find("not positive definite even with damp=0.1"),
            std::string::npos)
      << s.message();
  // With enough retries it succeeds at damp = 10.
  opt.maxDampRetries = 4;
  s = quantizeGptq(w, n, k, gram, 2, opt, q);
  ASSERT_TRUE(s.isOk()) << s.message();
  EXPECT_DOUBLE_EQ(q.dampUsed, 10.0);
}

TEST(Gptq, BadInput) {
  Layer layer = makeLayer(4, 48, 64, 2);
  GptqOptions opt;
  GptqResult q;
  opt.groupSize = 32; // 48 % 32 != 0
  Status s = quantizeGptq(layer.w, 4, 48, layer.gram, 64, opt, q);
  ASSERT_TRUE(s.failed());
  EXPECT_NE(s.message().find("group size 32 does not divide K = 48"),
            std::string::npos)
      << s.message();
  opt.groupSize = 16;
  std::vector<float> w = layer.w;
  w[1 * 48 + 5] = NAN;
  s = quantizeGptq(w, 4, 48, layer.gram, 64, opt, q);
  ASSERT_TRUE(s.failed());
  EXPECT_NE(s.message().find("row 1, column 5) is not finite"),
            std::string::npos)
      << s.message();
  opt.bits = 5;
  EXPECT_NE(quantizeGptq(layer.w, 4, 48, layer.gram, 64, opt, q)
                .message()
                .find("bits must be 2, 3, 4 or 8"),
            std::string::npos);
  opt.bits = 4;
  opt.blockSize = 0;
  EXPECT_NE(quantizeGptq(layer.w, 4, 48, layer.gram, 64, opt, q)
                .message()
                .find("block size"),
            std::string::npos);
  opt.blockSize = 128;
  EXPECT_TRUE(quantizeGptq(layer.w, 4, 48, layer.gram, 0, opt, q).failed());
  EXPECT_TRUE(quantizeGptq(layer.w, 4, 47, layer.gram, 64, opt, q).failed());
  std::vector<double> gram = layer.gram;
  gram.pop_back();
  EXPECT_TRUE(quantizeGptq(layer.w, 4, 48, gram, 64, opt, q).failed());
  EXPECT_TRUE(quantizeGptq(layer.w, 4, 48, layer.gram, 64, opt, q).isOk());
}

TEST(Gptq, ActOrderPermutation) {
  // act-order + dynamic groups: storage column j is original column
  // permutation[j], sorted by descending diag(H), and dequantizeGptq undoes
  // it; per channel / static groups keep the original order.
  Layer layer = makeLayer(8, 64, 128, 9);
  GptqOptions opt;
  opt.groupSize = 16;
  opt.actOrder = true;
  GptqResult q;
  ASSERT_TRUE(
      quantizeGptq(layer.w, 8, 64, layer.gram, 128, opt, q).isOk());
  ASSERT_EQ(q.permutation.size(), 64u);
  std::vector<int64_t> sorted = q.permutation;
  std::sort(sorted.begin(), sorted.end());
  for (int64_t j = 0; j < 64; ++j)
    EXPECT_EQ(sorted[j], j);
  for (int64_t j = 1; j < 64; ++j)
    EXPECT_GE(layer.gram[q.permutation[j - 1] * 65],
              layer.gram[q.permutation[j] * 65]);
  std::vector<float> recon = dequantizeGptq(q), storage = dequantizeRtn(q.weight);
  for (int64_t r = 0; r < 8; ++r)
    for (int64_t j = 0; j < 64; ++j)
      EXPECT_EQ(recon[r * 64 + q.permutation[j]], storage[r * 64 + j]);
  // Each reconstructed weight is near the original (GPTQ moves weights by
  // the propagated errors, but stays within a few grid steps).
  double e = layerOutputError(layer.gram, 64, layer.w, recon, 8);
  EXPECT_LT(e, rtnError(layer, 4, 16, false));
  opt.staticGroups = true;
  ASSERT_TRUE(
      quantizeGptq(layer.w, 8, 64, layer.gram, 128, opt, q).isOk());
  EXPECT_TRUE(q.permutation.empty());
  opt.staticGroups = false;
  opt.groupSize = 0;
  ASSERT_TRUE(
      quantizeGptq(layer.w, 8, 64, layer.gram, 128, opt, q).isOk());
  EXPECT_TRUE(q.permutation.empty());
}

TEST(Gptq, LayerOutputErrorEqualsRows) {
  // tr(E G Eᵀ) = Σ_rows ‖(W − Ŵ) x‖², for K not a multiple of 16 and N not
  // a multiple of the 64-row blocks.
  const int64_t n = 70, k = 37, rows = 50;
  std::vector<float> x = correlatedRows(rows, k, 4);
  std::vector<float> w = randomWeight(n, k, 5), wr = randomWeight(n, k, 6);
  double want = 0.0;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t o = 0; o < n; ++o) {
      double y = 0.0;
      for (int64_t i = 0; i < k; ++i)
        y += (double(w[o * k + i]) - double(wr[o * k + i])) * x[r * k + i];
      want += y * y;
    }
  double got = layerOutputError(naiveGram(x, rows, k), k, w, wr, n);
  EXPECT_NEAR(got, want, 1e-9 * want);
  EXPECT_TRUE(std::isnan(layerOutputError(naiveGram(x, rows, k), k, w, wr, n - 1)));
}
