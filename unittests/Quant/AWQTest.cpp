//===- AWQTest.cpp - AWQ scale and clipping search ------------------------===//

#include "QuantOpt/Quant/AWQ.h"
#include "QuantOpt/Quant/Encoders.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

using namespace qopt::quant;

namespace {

/// A layer [n, k] with Gaussian weights and `numRows` input rows whose
/// channels listed in `outliers` are `factor` times larger.
struct Layer {
  int64_t n, k, numRows;
  std::vector<float> weight, rows, meanAbs;
};

Layer makeLayer(int64_t n, int64_t k, int64_t numRows,
                std::vector<int64_t> outliers, float factor, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  Layer layer{n, k, numRows, {}, {}, {}};
  layer.weight.resize(n * k);
  for (float &w : layer.weight)
    w = 0.05f * normal(rng);
  layer.rows.resize(numRows * k);
  for (int64_t r = 0; r < numRows; ++r)
    for (int64_t c = 0; c < k; ++c) {
      float v = normal(rng);
      if (std::find(outliers.begin(), outliers.end(), c) != outliers.end())
        v *= factor;
      layer.rows[r * k + c] = v;
    }
  layer.meanAbs.assign(k, 0.0f);
  for (int64_t c = 0; c < k; ++c) {
    double sum = 0;
    for (int64_t r = 0; r < numRows; ++r)
      sum += std::fabs(layer.rows[r * k + c]);
    layer.meanAbs[c] = float(sum / numRows);
  }
  return layer;
}

/// Brute force: ‖(Q(W·diag(s))·diag(s)⁻¹ − W) Xᵀ‖² with s computed here.
double bruteLoss(const Layer &layer, double alpha, const RtnOptions &options) {
  const int64_t k = layer.k;
  std::vector<double> s(k);
  for (int64_t c = 0; c < k; ++c)
    s[c] = std::max(std::pow(double(layer.meanAbs[c]), alpha), 1e-4);
  double mx = *std::max_element(s.begin(), s.end());
  double mn = *std::min_element(s.begin(), s.end());
  for (double &v : s)
    v /= std::sqrt(mx * mn);
  std::vector<float> scaled(layer.weight.size());
  for (int64_t r = 0; r < layer.n; ++r)
    for (int64_t c = 0; c < k; ++c)
      scaled[r * k + c] = layer.weight[r * k + c] * float(s[c]);
  RtnWeight q;
  EXPECT_TRUE(quantizeRtn(scaled, layer.n, k, options, q).isOk());
  std::vector<float> deq = dequantizeRtn(q);
  for (int64_t r = 0; r < layer.n; ++r)
    for (int64_t c = 0; c < k; ++c)
      deq[r * k + c] = float(double(deq[r * k + c]) / double(float(s[c])));
  return awqOutputError(layer.weight, deq, layer.n, k, layer.rows,
                        layer.numRows);
}

/// Per (row, group) loss ‖(Ŵ' − W')_g diag(s_g)⁻¹ X_gᵀ‖², Ŵ' = deq.
std::vector<double> groupLosses(const Layer &layer, const std::vector<float> &s,
                                const std::vector<float> &deq, int64_t group) {
  const int64_t k = layer.k, numGroups = k / group;
  std::vector<double> out(layer.n * numGroups, 0.0);
  for (int64_t o = 0; o < layer.n; ++o)
    for (int64_t g = 0; g < numGroups; ++g)
      for (int64_t r = 0; r < layer.numRows; ++r) {
        double y = 0;
        for (int64_t c = g * group; c < (g + 1) * group; ++c) {
          double w = double(layer.weight[o * k + c] * s[c]);
          y += (double(deq[o * k + c]) - w) / double(s[c]) *
               double(layer.rows[r * k + c]);
        }
        out[o * numGroups + g] += y * y;
      }
  return out;
}

} // namespace

TEST(Awq, ScalesNormalised) {
  std::vector<float> meanAbs = {0.5f, 2.0f, 8.0f, 0.0f, 1.0f};
  for (double alpha : {0.0, 0.25, 0.5, 0.95}) {
    std::vector<float> s = awqScales(meanAbs, alpha);
    ASSERT_EQ(s.size(), meanAbs.size());
    float mx = *std::max_element(s.begin(), s.end());
    float mn = *std::min_element(s.begin(), s.end());
    EXPECT_NEAR(std::sqrt(double(mx) * mn), 1.0, 1e-6) << alpha;
    if (alpha == 0.0)
      for (float v : s)
        EXPECT_EQ(v, 1.0f);
    else // a zero channel is clamped at 1e-4 before normalising
      EXPECT_NEAR(s[3] / s[4], 1e-4, 1e-9);
  }
}

TEST(Awq, AlphaZeroIsRtnAndAwqNeverWorse) {
  // Both loss forms: fewer rows than K (‖E Xᵀ‖²) and more (tr(E G Eᵀ)).
  for (int64_t numRows : {48, 200}) {
    for (bool symmetric : {false, true}) {
      Layer layer = makeLayer(24, 128, numRows, {3, 40, 77}, 20.0f, 7);
      AwqOptions options;
      options.bits = 3;
      options.groupSize = 32;
      options.symmetric = symmetric;
      AwqResult result;
      ASSERT_TRUE(awqQuantize(layer.weight, layer.n, layer.k, layer.meanAbs,
                              layer.rows, layer.numRows, options, result)
                      .isOk());
      ASSERT_EQ(result.lossPerAlpha.size(), 20u);
      // α = 0 is plain RTN of W.
      RtnOptions rtn;
      rtn.bits = 3;
      rtn.groupSize = 32;
      rtn.symmetric = symmetric;
      RtnWeight q;
      ASSERT_TRUE(quantizeRtn(layer.weight, layer.n, layer.k, rtn, q).isOk());
      double rtnLoss = awqOutputError(layer.weight, dequantizeRtn(q), layer.n,
                                      layer.k, layer.rows, layer.numRows);
      EXPECT_NEAR(result.lossPerAlpha[0], rtnLoss, 1e-9 * rtnLoss);
      double bestScaled = *std::min_element(result.lossPerAlpha.begin(),
                                            result.lossPerAlpha.end());
      EXPECT_LE(bestScaled, result.lossPerAlpha[0]);
      // Three channels 20x larger: AWQ is clearly better than RTN.
      EXPECT_LT(bestScaled, 0.8 * rtnLoss) << numRows << " " << symmetric;
      EXPECT_GT(result.alpha, 0.0);
      // The reported final loss is the loss of the returned codes.
      std::vector<float> deq = dequantizeRtn(result.weight);
      for (int64_t o = 0; o < layer.n; ++o)
        for (int64_t c = 0; c < layer.k; ++c)
          deq[o * layer.k + c] /= result.scales[c];
      double finalLoss = awqOutputError(layer.weight, deq, layer.n, layer.k,
                                        layer.rows, layer.numRows);
      EXPECT_NEAR(result.loss, finalLoss, 1e-4 * finalLoss);
      EXPECT_LT(result.loss, rtnLoss);
    }
  }
}

TEST(Awq, ChosenAlphaIsBruteForceArgmin) {
  Layer layer = makeLayer(6, 16, 40, {2, 9}, 8.0f, 3);
  AwqOptions options;
  options.bits = 4;
  options.groupSize = 8;
  options.symmetric = false;
  options.clip = false;
  AwqResult result;
  ASSERT_TRUE(awqQuantize(layer.weight, layer.n, layer.k, layer.meanAbs,
                          layer.rows, layer.numRows, options, result)
                  .isOk());
  RtnOptions rtn;
  rtn.bits = 4;
  rtn.groupSize = 8;
  rtn.symmetric = false;
  double best = INFINITY;
  int argmin = -1;
  for (int i = 0; i < 20; ++i) {
    double loss = bruteLoss(layer, i / 20.0, rtn);
    EXPECT_NEAR(result.lossPerAlpha[i], loss, 1e-6 * loss + 1e-12) << i;
    if (loss < best) {
      best = loss;
      argmin = i;
    }
  }
  EXPECT_DOUBLE_EQ(result.alpha, argmin / 20.0);
  // Without clipping, the final loss is the chosen α's.
  EXPECT_NEAR(result.loss, best, 1e-6 * best);
  for (float r : result.clipRatio)
    EXPECT_EQ(r, 1.0f);
}

TEST(Awq, ClippingNeverIncreasesGroupLoss) {
  // The three forms of the group loss: rows >= K (blocks of XᵀX), group <=
  // rows < K (X_gᵀX_g alone), rows < group (slices of Xᵀ).
  for (int64_t numRows : {100, 40, 10}) {
    // Heavy-tailed weights so that clipping helps somewhere.
    Layer layer = makeLayer(32, 64, numRows, {5}, 10.0f, 11);
    std::mt19937 rng(5);
    std::uniform_int_distribution<int> pick(0, 32 * 64 - 1);
    for (int i = 0; i < 40; ++i)
      layer.weight[pick(rng)] *= 12.0f;
    for (bool symmetric : {false, true}) {
      AwqOptions options;
      options.bits = 3;
      options.groupSize = 16;
      options.symmetric = symmetric;
      AwqResult result;
      ASSERT_TRUE(awqQuantize(layer.weight, layer.n, layer.k, layer.meanAbs,
                              layer.rows, layer.numRows, options, result)
                      .isOk());
      const std::vector<float> &s = result.scales;
      std::vector<float> scaled(layer.weight.size());
      for (int64_t o = 0; o < layer.n; ++o)
        for (int64_t c = 0; c < layer.k; ++c)
          scaled[o * layer.k + c] = layer.weight[o * layer.k + c] * s[c];
      RtnOptions rtn;
      rtn.bits = 3;
      rtn.groupSize = 16;
      rtn.symmetric = symmetric;
      RtnWeight plain;
      ASSERT_TRUE(quantizeRtn(scaled, layer.n, layer.k, rtn, plain).isOk());
      std::vector<double> unclipped =
          groupLosses(layer, s, dequantizeRtn(plain), 16);
      std::vector<double> clipped =
          groupLosses(layer, s, dequantizeRtn(result.weight), 16);
      int shrunk = 0, better = 0;
      for (size_t i = 0; i < clipped.size(); ++i) {
        EXPECT_LE(clipped[i], unclipped[i] * (1 + 1e-9) + 1e-12) << i;
        float ratio = result.clipRatio[i];
        EXPECT_GE(ratio, 0.5f);
        EXPECT_LE(ratio, 1.0f);
        shrunk += ratio < 1.0f;
        better += clipped[i] < unclipped[i] * (1 - 1e-6);
        if (ratio == 1.0f) { // not clipped: the same codes as plain RTN
          EXPECT_NEAR(clipped[i], unclipped[i], 1e-9 * unclipped[i] + 1e-15);
        }
      }
      EXPECT_GT(shrunk, 0) << symmetric;
      EXPECT_GT(better, 0) << symmetric;
    }
  }
}

TEST(Awq, PerChannel) {
  Layer layer = makeLayer(8, 32, 20, {1}, 20.0f, 2);
  AwqOptions options;
  options.groupSize = 0;
  AwqResult result;
  ASSERT_TRUE(awqQuantize(layer.weight, layer.n, layer.k, layer.meanAbs,
                          layer.rows, layer.numRows, options, result)
                  .isOk());
  EXPECT_EQ(result.weight.numGroups, 1);
  EXPECT_EQ(result.weight.groupSize, 32);
  EXPECT_LE(
      *std::min_element(result.lossPerAlpha.begin(), result.lossPerAlpha.end()),
      result.lossPerAlpha[0]);
}

TEST(Awq, Errors) {
  Layer layer = makeLayer(4, 16, 8, {}, 1.0f, 1);
  AwqOptions options;
  options.groupSize = 8;
  AwqResult result;
  auto run = [&](Span<float> w, int64_t n, int64_t k, Span<float> mean,
                 Span<float> rows, int64_t numRows, const AwqOptions &o) {
    return awqQuantize(w, n, k, mean, rows, numRows, o, result);
  };
  EXPECT_TRUE(
      run(layer.weight, 4, 16, layer.meanAbs, layer.rows, 8, options).isOk());
  Status st = run(layer.weight, 4, 15, layer.meanAbs, layer.rows, 8, options);
  EXPECT_NE(st.message().find("does not match [4, 15]"), std::string::npos)
      << st.message();
  st = run(layer.weight, 4, 16, Span<float>(layer.meanAbs.data(), 15),
           layer.rows, 8, options);
  EXPECT_NE(st.message().find("mean |x|"), std::string::npos) << st.message();
  st = run(layer.weight, 4, 16, layer.meanAbs, layer.rows, 9, options);
  EXPECT_NE(st.message().find("rows of 16"), std::string::npos) << st.message();
  st = run(layer.weight, 4, 16, layer.meanAbs, {}, 0, options);
  EXPECT_TRUE(st.failed());
  AwqOptions bad = options;
  bad.groupSize = 6;
  st = run(layer.weight, 4, 16, layer.meanAbs, layer.rows, 8, bad);
  EXPECT_NE(st.message().find("group size 6 does not divide K = 16"),
            std::string::npos)
      << st.message();
  bad = options;
  bad.bits = 5;
  EXPECT_NE(run(layer.weight, 4, 16, layer.meanAbs, layer.rows, 8, bad)
                .message()
                .find("bits"),
            std::string::npos);
  bad = options;
  bad.alphaGrid = 0;
  EXPECT_NE(run(layer.weight, 4, 16, layer.meanAbs, layer.rows, 8, bad)
                .message()
                .find("alpha-grid"),
            std::string::npos);
  std::vector<float> nanWeight = layer.weight;
  nanWeight[5] = NAN;
  st = run(nanWeight, 4, 16, layer.meanAbs, layer.rows, 8, options);
  EXPECT_NE(st.message().find("weight element 5 is not finite"),
            std::string::npos)
      << st.message();
  std::vector<float> nanRows = layer.rows;
  nanRows[3] = INFINITY;
  st = run(layer.weight, 4, 16, layer.meanAbs, nanRows, 8, options);
  EXPECT_NE(st.message().find("row value element 3"), std::string::npos)
      << st.message();
  std::vector<float> negative = layer.meanAbs;
  negative[2] = -1.0f;
  st = run(layer.weight, 4, 16, negative, layer.rows, 8, options);
  EXPECT_NE(st.message().find("mean |x| element 2"), std::string::npos)
      << st.message();
}

TEST(Awq, RtnWithRanges) {
  // Natural ranges reproduce quantizeRtn exactly; shrunk ranges clamp.
  std::vector<float> w = {-4, -1, 0.5f, 3, 8, -2, 1, 0.25f};
  RtnOptions options;
  options.bits = 4;
  options.groupSize = 4;
  options.symmetric = false;
  std::vector<float> lo, hi;
  ASSERT_TRUE(rtnGroupRanges(w, 2, 4, options, lo, hi).isOk());
  EXPECT_EQ(lo, (std::vector<float>{-4, -2}));
  EXPECT_EQ(hi, (std::vector<float>{3, 8}));
  RtnWeight a, b;
  ASSERT_TRUE(quantizeRtn(w, 2, 4, options, a).isOk());
  ASSERT_TRUE(quantizeRtnWithRanges(w, 2, 4, options, lo, hi, b).isOk());
  EXPECT_EQ(a.codes, b.codes);
  EXPECT_EQ(a.scales, b.scales);
  EXPECT_EQ(a.zeroPoints, b.zeroPoints);
  // Row 1 clipped to [-2, 4]: 8 -> 4 (scale 6 / 15 = 0.4, zp 5, code 15).
  std::vector<float> lo2 = {-4, -2}, hi2 = {3, 4};
  ASSERT_TRUE(quantizeRtnWithRanges(w, 2, 4, options, lo2, hi2, b).isOk());
  EXPECT_FLOAT_EQ(b.scales[1], 0.4f);
  EXPECT_EQ(b.zeroPoints[1], 5);
  EXPECT_EQ(b.codes[4], 15);
  std::vector<float> deq = dequantizeRtn(b);
  EXPECT_NEAR(deq[4], 4.0f, 1e-6);
  std::vector<float> badLo = {-4, 5};
  EXPECT_NE(quantizeRtnWithRanges(w, 2, 4, options, badLo, hi2, b)
                .message()
                .find("group [1, 0]"),
            std::string::npos);
  EXPECT_TRUE(
      quantizeRtnWithRanges(w, 2, 4, options, Span<float>(lo.data(), 1), hi, b)
          .failed());
}
