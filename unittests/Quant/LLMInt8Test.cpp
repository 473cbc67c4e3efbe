//===- LLMInt8Test.cpp - LLM.int8() decomposition numerics ----------------===//

#include "QuantOpt/Quant/LLMInt8.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace qopt::quant;

TEST(LlmInt8, OutlierColumnsAreStrictlyAboveThreshold) {
  std::vector<float> absMax = {1.0f, 6.0f, 6.5f, 0.0f, 120.0f, NAN};
  std::vector<int64_t> expected = {2, 4, 5};
  EXPECT_EQ(llmInt8OutlierColumns(absMax, 6.0f), expected);
  EXPECT_TRUE(llmInt8OutlierColumns(std::vector<float>{1, 2}, 6).empty());
}

TEST(LlmInt8, OutlierRowsLeaveTheInt8ScalesAndStayFloat) {
  // k = 3, n = 2; row 1 is the outlier feature and holds the column maxima.
  std::vector<float> w = {0.5f, -1.0f, 100.0f, 50.0f, 0.25f, 0.5f};
  std::vector<int64_t> outliers = {1};
  LlmInt8Weight q;
  ASSERT_TRUE(quantizeLlmInt8(w, 3, 2, outliers, q).isOk());
  // Column scales from rows 0 and 2 only: 0.5 / 127 and 1 / 127.
  EXPECT_FLOAT_EQ(q.inlier.scales[0], 0.5f / 127.0f);
  EXPECT_FLOAT_EQ(q.inlier.scales[1], 1.0f / 127.0f);
  std::vector<int8_t> codes = {127, -127, 0, 0, 64, 64};
  EXPECT_EQ(q.inlier.codes, codes); // 63.5 rounds half to even: 64
  std::vector<float> rows = {100.0f, 50.0f};
  EXPECT_EQ(q.outlierRows, rows);
  std::vector<float> eff = llmInt8EffectiveWeight(q);
  EXPECT_FLOAT_EQ(eff[2], 100.0f);
  EXPECT_FLOAT_EQ(eff[3], 50.0f);
  EXPECT_FLOAT_EQ(eff[0], 0.5f);
  // No outliers: plain per-column int8 of the whole weight.
  LlmInt8Weight plain;
  ASSERT_TRUE(quantizeLlmInt8(w, 3, 2, {}, plain).isOk());
  Int8Weight ref;
  ASSERT_TRUE(quantizeInt8PerChannel(w, 3, 2, 1, ref).isOk());
  EXPECT_EQ(plain.inlier.codes, ref.codes);
  EXPECT_EQ(plain.inlier.scales, ref.scales);
  EXPECT_TRUE(plain.outlierRows.empty());
  // Bad input.
  EXPECT_TRUE(quantizeLlmInt8(w, 3, 2, std::vector<int64_t>{3}, q).failed());
  EXPECT_TRUE(
      quantizeLlmInt8(w, 3, 2, std::vector<int64_t>{1, 1}, q).failed());
  EXPECT_TRUE(quantizeLlmInt8(w, 2, 2, {}, q).failed());
}

TEST(LlmInt8, OutputSqnrHandCase) {
  // x = [10, 1, 0.5], threshold 6: feature 0 is the outlier. x_in = [0, 1,
  // 0.5] with scale 1/127 gives codes [0, 127, 64 (63.5, half to even)], so
  // ŷ = 10 + 1 + 64/127 against y = 11.5 (float weights of ones).
  std::vector<float> x = {10.0f, 1.0f, 0.5f}, w = {1.0f, 1.0f, 1.0f};
  std::vector<uint8_t> mask = {1, 0, 0};
  double scale = 1.0f / 127.0f;
  double yq = 10.0 + 1.0 * 127 * scale + 64 * scale;
  double expected = 10.0 * std::log10(11.5 * 11.5 / ((11.5 - yq) * (11.5 - yq)));
  EXPECT_NEAR(llmInt8OutputSqnrDb(x, 1, 3, w, w, w, 1, mask), expected, 1e-3);
  // Without the decomposition the row scale is 10/127 (coarser for 1 and
  // 0.5): per-row int8 as layerOutputSqnrDb computes it.
  std::vector<uint8_t> none = {0, 0, 0};
  ActivationParams act;
  ASSERT_TRUE(activationParamsInt8(10.0f, act).isOk());
  std::vector<ActivationParams> acts = {act};
  double plain = layerOutputSqnrDb(x, 1, 3, w, w, 1, acts);
  EXPECT_NEAR(llmInt8OutputSqnrDb(x, 1, 3, w, w, w, 1, none), plain, 1e-9);
  // Every feature an outlier with the float weight: exact.
  std::vector<uint8_t> all = {1, 1, 1};
  EXPECT_TRUE(std::isinf(llmInt8OutputSqnrDb(x, 1, 3, w, w, w, 1, all)));
  // Bad sizes and non-finite values.
  EXPECT_TRUE(std::isnan(llmInt8OutputSqnrDb(x, 1, 3, w, w, w, 1, {})));
  std::vector<float> bad = {NAN, 1.0f, 0.5f};
  EXPECT_TRUE(std::isnan(llmInt8OutputSqnrDb(bad, 1, 3, w, w, w, 1, mask)));
}

TEST(LlmInt8, RandomLayerWithOutlierFeaturesMatchesDirectProduct) {
  // 20x outlier features: the decomposition with float outlier rows beats
  // plain per-row int8 and matches a direct evaluation of the same formula.
  const int64_t rowsN = 24, k = 32, n = 8;
  std::mt19937 rng(3);
  std::normal_distribution<float> gauss;
  std::vector<float> x(rowsN * k), w(k * n);
  for (float &v : w)
    v = gauss(rng) * 0.2f;
  for (int64_t r = 0; r < rowsN; ++r)
    for (int64_t i = 0; i < k; ++i)
      x[r * k + i] = gauss(rng) * ((i == 5 || i == 20) ? 20.0f : 1.0f);
  std::vector<float> absMax(k, 0.0f);
  for (int64_t r = 0; r < rowsN; ++r)
    for (int64_t i = 0; i < k; ++i)
      absMax[i] = std::max(absMax[i], std::fabs(x[r * k + i]));
  std::vector<int64_t> outliers = llmInt8OutlierColumns(absMax, 6.0f);
  ASSERT_EQ(outliers, (std::vector<int64_t>{5, 20}));
  LlmInt8Weight q;
  ASSERT_TRUE(quantizeLlmInt8(w, k, n, outliers, q).isOk());
  std::vector<float> inlier = dequantizeInt8(q.inlier);
  std::vector<uint8_t> mask(k, 0);
  for (int64_t j : outliers)
    mask[j] = 1;
  double db = llmInt8OutputSqnrDb(x, rowsN, k, w, inlier, w, n, mask);

  // Direct: per row, scale from the non-outlier |x|.
  double signal = 0, noise = 0;
  for (int64_t r = 0; r < rowsN; ++r) {
    float m = 0;
    for (int64_t i = 0; i < k; ++i)
      if (!mask[i])
        m = std::max(m, std::fabs(x[r * k + i]));
    float s = m / 127.0f;
    for (int64_t j = 0; j < n; ++j) {
      double y = 0, yq = 0;
      for (int64_t i = 0; i < k; ++i) {
        y += double(x[r * k + i]) * w[i * n + j];
        if (mask[i])
          yq += double(x[r * k + i]) * w[i * n + j];
        else
          yq += double(std::clamp<float>(std::nearbyint(x[r * k + i] / s),
                                         -128, 127)) *
                s * inlier[i * n + j];
      }
      signal += y * y;
      noise += (y - yq) * (y - yq);
    }
  }
  EXPECT_NEAR(db, 10 * std::log10(signal / noise), 1e-6);

  LlmInt8Weight plain;
  ASSERT_TRUE(quantizeLlmInt8(w, k, n, {}, plain).isOk());
  std::vector<float> plainW = dequantizeInt8(plain.inlier);
  std::vector<uint8_t> none(k, 0);
  double plainDb = llmInt8OutputSqnrDb(x, rowsN, k, w, plainW, plainW, n, none);
  EXPECT_GT(db, plainDb + 10.0);
}
