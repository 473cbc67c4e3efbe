//===- NF4Test.cpp - NF4 levels, encoder, double quantization -------------===//

#include "QuantOpt/Quant/Encoders.h"
#include "QuantOpt/Quant/NF4.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace qopt::quant;

TEST(Nf4, LevelsArePublishedValues) {
  // bitsandbytes' NF4 table (QLoRA, appendix E).
  const double published[16] = {
      -1.0,
      -0.6961928009986877,
      -0.5250730514526367,
      -0.39491748809814453,
      -0.28444138169288635,
      -0.18477343022823334,
      -0.09105003625154495,
      0.0,
      0.07958029955625534,
      0.16093020141124725,
      0.24611230194568634,
      0.33791524171829224,
      0.44070982933044434,
      0.5626170039176941,
      0.7229568362236023,
      1.0};
  for (int i = 0; i < 16; ++i)
    EXPECT_NEAR(nf4Levels()[i], published[i], 1e-7) << "level " << i;
}

TEST(Nf4, LevelsMatchNormalQuantileConstruction) {
  // Phi^-1 sanity: known quantiles.
  EXPECT_NEAR(normalQuantile(0.5), 0.0, 1e-15);
  EXPECT_NEAR(normalQuantile(0.975), 1.959963984540054, 1e-12);
  EXPECT_NEAR(normalQuantile(0.01), -2.326347874040841, 1e-12);
  std::array<double, 16> built = nf4LevelsFromNormalQuantiles();
  for (int i = 0; i < 16; ++i)
    EXPECT_NEAR(built[i], nf4Levels()[i], 1e-6) << "level " << i;
  EXPECT_EQ(built[0], -1.0);
  EXPECT_EQ(built[15], 1.0);
}

TEST(Nf4, EncodeNearestWithMidpointTies) {
  const std::array<float, 16> &l = nf4Levels();
  for (int i = 0; i < 16; ++i)
    EXPECT_EQ(nf4Encode(l[i]), i);
  for (int i = 0; i < 15; ++i) {
    float mid = 0.5f * (l[i] + l[i + 1]);
    EXPECT_EQ(nf4Encode(mid), i) << "a midpoint takes the lower level";
    EXPECT_EQ(nf4Encode(std::nextafter(mid, 2.0f)), i + 1);
  }
  EXPECT_EQ(nf4Encode(-3.0f), 0);
  EXPECT_EQ(nf4Encode(3.0f), 15);
  EXPECT_EQ(nf4Encode(NAN), 7);
}

TEST(Nf4, ExactCodesOfAHandMadeBlock) {
  // One row, block 4: absmax 2. w / absmax = -1, 0.5, 0.04, 0.3.
  // 0.5 lies between 0.4407 and 0.5626 (midpoint 0.5017): code 12.
  // 0.04 is just above the 0 / 0.0796 midpoint 0.0398: code 8.
  // 0.3 is between 0.2461 and 0.3379 (midpoint 0.2920): code 11.
  std::vector<float> w = {-2.0f, 1.0f, 0.08f, 0.6f,
                          // second block: all zero
                          0, 0, 0, 0};
  Nf4Weight q;
  Nf4Options options;
  options.blockSize = 4;
  ASSERT_TRUE(quantizeNf4(w, 1, 8, options, q).isOk());
  EXPECT_EQ(q.numBlocks, 2);
  EXPECT_EQ(q.blockSize, 4);
  std::vector<uint8_t> expected = {0, 12, 8, 11, 7, 7, 7, 7};
  EXPECT_EQ(q.codes, expected);
  EXPECT_EQ(q.absmax, (std::vector<float>{2.0f, 0.0f}));
  std::vector<float> back = dequantizeNf4(q);
  EXPECT_FLOAT_EQ(back[0], -2.0f);
  EXPECT_FLOAT_EQ(back[1], 2.0f * nf4Levels()[12]);
  EXPECT_EQ(back[5], 0.0f);
}

TEST(Nf4, ShortLastBlockAndBlockLargerThanK) {
  std::vector<float> w(2 * 100);
  for (size_t i = 0; i < w.size(); ++i)
    w[i] = std::sin(float(i));
  Nf4Weight q;
  Nf4Options options;
  ASSERT_TRUE(quantizeNf4(w, 2, 100, options, q).isOk());
  EXPECT_EQ(q.numBlocks, 2); // 64 + 36
  options.blockSize = 128;
  ASSERT_TRUE(quantizeNf4(w, 2, 100, options, q).isOk());
  EXPECT_EQ(q.numBlocks, 1);
  EXPECT_EQ(q.blockSize, 100);
}

TEST(Nf4, RoundTripBound) {
  std::mt19937 rng(7);
  std::normal_distribution<float> normal(0.0f, 0.02f);
  const int64_t n = 16, k = 256;
  std::vector<float> w(n * k);
  for (float &v : w)
    v = normal(rng);
  Nf4Weight q;
  ASSERT_TRUE(quantizeNf4(w, n, k, Nf4Options(), q).isOk());
  // Largest gap between neighbouring levels.
  double gap = 0;
  for (int i = 0; i < 15; ++i)
    gap = std::max(gap, double(nf4Levels()[i + 1]) - nf4Levels()[i]);
  std::vector<float> back = dequantizeNf4(q);
  for (int64_t r = 0; r < n; ++r)
    for (int64_t i = 0; i < k; ++i) {
      double bound = gap / 2 * q.absmax[r * q.numBlocks + i / 64] + 1e-7;
      EXPECT_LE(std::fabs(back[r * k + i] - w[r * k + i]), bound);
    }
}

TEST(Nf4, DoubleQuantizedAbsmaxBound) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> uniform(0.01f, 0.2f);
  std::vector<float> values(600); // blocks of 256, 256, 88
  for (float &v : values)
    v = uniform(rng);
  DoubleQuantized dq;
  ASSERT_TRUE(doubleQuantize(values, 256, dq).isOk());
  ASSERT_EQ(dq.scales.size(), 3u);
  double mean = 0;
  for (float v : values)
    mean += v;
  mean /= values.size();
  EXPECT_NEAR(dq.offset, mean, 1e-7);
  std::vector<float> back = dequantizeDoubleQuant(dq);
  for (size_t b = 0; b < 3; ++b) {
    // Closed form: scale = max |v - mean| / 127 over the block.
    float max = 0;
    for (size_t i = b * 256; i < std::min<size_t>(600, (b + 1) * 256); ++i)
      max = std::max(max, std::fabs(values[i] - dq.offset));
    EXPECT_FLOAT_EQ(dq.scales[b], max / 127.0f);
    for (size_t i = b * 256; i < std::min<size_t>(600, (b + 1) * 256); ++i) {
      EXPECT_LE(std::abs(int(dq.codes[i])), 127);
      EXPECT_LE(std::fabs(back[i] - values[i]), dq.scales[b] / 2 + 1e-6);
    }
  }
  // Constant values: every centred constant is 0, scale 1, exact.
  std::vector<float> same(10, 0.5f);
  ASSERT_TRUE(doubleQuantize(same, 256, dq).isOk());
  EXPECT_EQ(dq.scales, std::vector<float>{1.0f});
  EXPECT_EQ(dequantizeDoubleQuant(dq), same);
}

TEST(Nf4, DoubleQuantWeightUsesEightBitAbsmax) {
  std::mt19937 rng(11);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  const int64_t n = 64, k = 512;
  std::vector<float> w(n * k);
  for (float &v : w)
    v = normal(rng);
  Nf4Options options;
  options.doubleQuant = true;
  Nf4Weight plain, dq;
  ASSERT_TRUE(quantizeNf4(w, n, k, Nf4Options(), plain).isOk());
  ASSERT_TRUE(quantizeNf4(w, n, k, options, dq).isOk());
  // Same codes (chosen with the exact absmax), 8-bit constants.
  EXPECT_EQ(plain.codes, dq.codes);
  ASSERT_EQ(dq.absmaxDq.codes.size(), size_t(n * 8));
  EXPECT_EQ(dq.absmaxDq.scales.size(), size_t(2)); // 512 constants / 256
  double sqnrPlain = sqnrDb(w, dequantizeNf4(plain));
  double sqnrDq = sqnrDb(w, dequantizeNf4(dq));
  EXPECT_GT(sqnrDq, sqnrPlain - 0.1); // double quantization costs little
  EXPECT_LE(sqnrDq, sqnrPlain + 0.1);
}

TEST(Nf4, BitsPerParameter) {
  EXPECT_DOUBLE_EQ(nf4BitsPerParameter(64, false), 4.5);
  EXPECT_DOUBLE_EQ(nf4BitsPerParameter(64, true), 4.0 + 0.125 + 32.0 / 16384);
  EXPECT_NEAR(nf4BitsPerParameter(64, true), 4.127, 5e-4);
  EXPECT_DOUBLE_EQ(nf4BitsPerParameter(128, false), 4.25);
}

TEST(Nf4, LowerErrorThanInt4AbsmaxOnGaussianWeights) {
  std::mt19937 rng(1);
  std::normal_distribution<float> normal(0.0f, 0.05f);
  const int64_t n = 128, k = 1024;
  std::vector<float> w(n * k);
  for (float &v : w)
    v = normal(rng);
  Nf4Weight nf4;
  ASSERT_TRUE(quantizeNf4(w, n, k, Nf4Options(), nf4).isOk());
  RtnOptions rtnOptions;
  rtnOptions.bits = 4;
  rtnOptions.groupSize = 64;
  rtnOptions.symmetric = true;
  RtnWeight rtn;
  ASSERT_TRUE(quantizeRtn(w, n, k, rtnOptions, rtn).isOk());
  auto mse = [&](const std::vector<float> &back) {
    double s = 0;
    for (size_t i = 0; i < w.size(); ++i)
      s += double(back[i] - w[i]) * (back[i] - w[i]);
    return s / w.size();
  };
  double nf4Mse = mse(dequantizeNf4(nf4)), rtnMse = mse(dequantizeRtn(rtn));
  EXPECT_LT(nf4Mse, rtnMse * 0.8) << "nf4 " << nf4Mse << " int4 " << rtnMse;
}

TEST(Nf4, Errors) {
  std::vector<float> w = {1, 2, 3, 4};
  Nf4Weight q;
  Nf4Options options;
  EXPECT_TRUE(quantizeNf4(w, 2, 3, options, q).failed());
  options.blockSize = 0;
  EXPECT_TRUE(quantizeNf4(w, 2, 2, options, q).failed());
  options.blockSize = 2;
  w[3] = NAN;
  Status s = quantizeNf4(w, 2, 2, options, q);
  ASSERT_TRUE(s.failed());
  EXPECT_NE(s.message().find("element 3"), std::string::npos);
  DoubleQuantized dq;
  EXPECT_TRUE(doubleQuantize(std::vector<float>{1.0f}, 0, dq).failed());
}
