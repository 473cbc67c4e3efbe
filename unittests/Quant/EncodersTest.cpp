//===- EncodersTest.cpp - RTN / int8 encoders, packing, SmoothQuant -------===//

#include "QuantOpt/Quant/Encoders.h"
#include "QuantOpt/Quant/SmoothQuant.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace qopt::quant;

TEST(Rounding, HalfToEvenAsOnnx) {
  EXPECT_EQ(roundHalfToEven(0.5f), 0.0f);
  EXPECT_EQ(roundHalfToEven(1.5f), 2.0f);
  EXPECT_EQ(roundHalfToEven(2.5f), 2.0f);
  EXPECT_EQ(roundHalfToEven(-2.5f), -2.0f);
  EXPECT_EQ(roundHalfToEven(-3.5f), -4.0f);
  EXPECT_EQ(quantizeValue(300.0f, 1.0f, 0, -128, 127), 127);
  EXPECT_EQ(quantizeValue(-300.0f, 1.0f, 10, 0, 255), 0);
  EXPECT_EQ(quantizeValue(NAN, 1.0f, 10, 0, 255), 10);
}

TEST(Rtn, ExactCodesSymmetric) {
  // absmax 7 -> scale 7 / 7 = 1, zp 8: 3.5 -> 4 and 2.5 -> 2 (half to even).
  std::vector<float> w = {-7, 3.5f, 2.5f, 0};
  RtnWeight q;
  RtnOptions options;
  options.bits = 4;
  options.groupSize = 0;
  ASSERT_TRUE(quantizeRtn(w, 1, 4, options, q).isOk());
  EXPECT_EQ(q.codes, (std::vector<uint8_t>{1, 12, 10, 8}));
  EXPECT_EQ(q.scales, (std::vector<float>{1.0f}));
  EXPECT_EQ(q.zeroPoints, (std::vector<uint8_t>{8}));
  EXPECT_EQ(dequantizeRtn(q), (std::vector<float>{-7, 4, 2, 0}));
}

TEST(Rtn, ExactCodesAsymmetric) {
  // Row 0: [0, 15] -> scale 1, zp 0; row 1: [-5, 10] -> scale 1, zp 5.
  std::vector<float> w = {0, 1.5f, 3, 15, -5, 10, 0.5f, -0.5f};
  RtnOptions options;
  options.bits = 4;
  options.groupSize = 0;
  options.symmetric = false;
  RtnWeight q;
  ASSERT_TRUE(quantizeRtn(w, 2, 4, options, q).isOk());
  EXPECT_EQ(q.codes, (std::vector<uint8_t>{0, 2, 3, 15, 0, 15, 5, 5}));
  EXPECT_EQ(q.scales, (std::vector<float>{1, 1}));
  EXPECT_EQ(q.zeroPoints, (std::vector<uint8_t>{0, 5}));
  // Groups of 2: row 0 group 1 = [3, 15] -> range [0, 15] -> scale 1, zp 0.
  options.groupSize = 2;
  ASSERT_TRUE(quantizeRtn(w, 2, 4, options, q).isOk());
  EXPECT_EQ(q.numGroups, 2);
  EXPECT_EQ(q.scales.size(), 4u);
  EXPECT_FLOAT_EQ(q.scales[0], 1.5f / 15); // [0, 1.5]
  EXPECT_EQ(q.zeroPoints[2], 5);           // [-5, 10]
  EXPECT_FLOAT_EQ(q.scales[3], 1.0f / 15); // [-0.5, 0.5]
}

TEST(Rtn, RoundTripBound) {
  std::mt19937 gen(1);
  std::normal_distribution<float> normal(0.0f, 0.05f);
  const int64_t n = 8, k = 300;
  std::vector<float> w(n * k);
  for (float &v : w)
    v = normal(gen);
  w[5] = 0.9f; // An outlier.
  for (int bits : {2, 3, 4, 8})
    for (bool symmetric : {true, false})
      for (int64_t group : {-1L, 0L, 32L, 64L, 128L}) {
        RtnOptions options{bits, group, symmetric};
        RtnWeight q;
        ASSERT_TRUE(quantizeRtn(w, n, k, options, q).isOk());
        int64_t g = group <= 0 ? k : group;
        EXPECT_EQ(q.numGroups, (k + g - 1) / g);
        std::vector<float> d = dequantizeRtn(q);
        for (int64_t r = 0; r < n; ++r)
          for (int64_t c = 0; c < k; ++c) {
            int64_t gi = r * q.numGroups + c / q.groupSize;
            ASSERT_LT(q.codes[r * k + c], 1 << bits);
            if (symmetric) {
              ASSERT_EQ(q.zeroPoints[gi], 1 << (bits - 1));
            }
            ASSERT_LE(std::fabs(d[r * k + c] - w[r * k + c]),
                      q.scales[gi] * 0.5f * (1 + 1e-5f))
                << bits << " bits, sym " << symmetric << ", group " << group
                << " at [" << r << ", " << c << "]";
          }
        if (group == -1) {
          for (float s : q.scales)
            EXPECT_EQ(s, q.scales[0]);
        }
        // More bits, less noise: 8-bit per group of 32 beats 30 dB.
        if (bits == 8 && group == 32) {
          EXPECT_GT(sqnrDb(w, d), 30.0);
        }
      }
}

TEST(Rtn, Errors) {
  RtnWeight q;
  std::vector<float> w = {1, 2, 3, 4};
  RtnOptions options;
  options.bits = 5;
  EXPECT_NE(quantizeRtn(w, 2, 2, options, q).message().find("bits"),
            std::string::npos);
  options.bits = 4;
  EXPECT_NE(quantizeRtn(w, 3, 2, options, q).message().find("does not match"),
            std::string::npos);
  w[3] = NAN;
  EXPECT_NE(quantizeRtn(w, 2, 2, options, q).message().find("element 3"),
            std::string::npos);
  // A group of zeros: scale 1, dequantizes to 0.
  std::vector<float> zeros(4, 0.0f);
  ASSERT_TRUE(quantizeRtn(zeros, 1, 4, options, q).isOk());
  EXPECT_EQ(q.scales[0], 1.0f);
  EXPECT_EQ(dequantizeRtn(q), zeros);
}

TEST(Packing, BytesByHand) {
  std::vector<uint8_t> packed, codes;
  // 4-bit: first code in the low nibble.
  ASSERT_TRUE(
      packCodes(std::vector<uint8_t>{1, 12, 10, 8}, 1, 4, 4, packed).isOk());
  EXPECT_EQ(packed, (std::vector<uint8_t>{0xC1, 0x8A}));
  // 2-bit: 4 codes per byte; rows start on a byte (K = 5 -> 2 bytes/row).
  ASSERT_TRUE(packCodes(std::vector<uint8_t>{1, 2, 3, 0, 3, 0, 0, 0, 0, 1}, 2,
                        5, 2, packed)
                  .isOk());
  EXPECT_EQ(packed, (std::vector<uint8_t>{0x39, 0x03, 0x00, 0x01}));
  // 3-bit codes go in nibbles.
  ASSERT_TRUE(packCodes(std::vector<uint8_t>{5, 7, 1}, 1, 3, 3, packed).isOk());
  EXPECT_EQ(packed, (std::vector<uint8_t>{0x75, 0x01}));
  EXPECT_EQ(packedRowBytes(3, 3), 2);
  EXPECT_EQ(packedRowBytes(4096, 4), 2048);
  EXPECT_EQ(packedRowBytes(4096, 2), 1024);
  // 8-bit: identity.
  ASSERT_TRUE(packCodes(std::vector<uint8_t>{200, 7}, 1, 2, 8, packed).isOk());
  EXPECT_EQ(packed, (std::vector<uint8_t>{200, 7}));
  // Unpack inverts pack.
  std::mt19937 gen(2);
  for (int bits : {2, 3, 4, 8}) {
    std::vector<uint8_t> in(3 * 13);
    for (uint8_t &c : in)
      c = uint8_t(gen() % (1u << bits));
    ASSERT_TRUE(packCodes(in, 3, 13, bits, packed).isOk());
    EXPECT_EQ(int64_t(packed.size()), 3 * packedRowBytes(13, bits));
    ASSERT_TRUE(unpackCodes(packed, 3, 13, bits, codes).isOk());
    EXPECT_EQ(codes, in) << bits;
  }
  Status bad = packCodes(std::vector<uint8_t>{8}, 1, 1, 3, packed);
  EXPECT_NE(bad.message().find("does not fit in 3 bits"), std::string::npos);
  EXPECT_TRUE(unpackCodes(std::vector<uint8_t>{1}, 1, 4, 4, codes).failed());
}

TEST(Int8, PerChannelWeight) {
  // [K = 2, N = 3], scales per column: absmax 127, 254 (no: 508), 0.
  std::vector<float> w = {127, -254, 0, 63.5f, 508, 0};
  Int8Weight q;
  ASSERT_TRUE(quantizeInt8PerChannel(w, 2, 3, 1, q).isOk());
  EXPECT_EQ(q.scales, (std::vector<float>{1, 4, 1}));
  // 63.5 -> 64 (half to even), -254 / 4 = -63.5 -> -64.
  EXPECT_EQ(q.codes, (std::vector<int8_t>{127, -64, 0, 64, 127, 0}));
  ASSERT_TRUE(quantizeInt8PerChannel(w, 2, 3, 0, q).isOk());
  EXPECT_EQ(q.scales, (std::vector<float>{2, 4}));
  EXPECT_EQ(q.codes, (std::vector<int8_t>{64, -127, 0, 16, 127, 0}));
  EXPECT_EQ(dequantizeInt8(q), (std::vector<float>{128, -254, 0, 64, 508, 0}));
  EXPECT_TRUE(quantizeInt8PerChannel(w, 2, 3, 2, q).failed());
}

TEST(Activation, OnnxDynamicQuantizeLinearExample) {
  // The example of the ONNX DynamicQuantizeLinear operator documentation.
  std::vector<float> x = {0, 2, -3, -2.5f, 1.34f, 0.5f};
  ActivationParams p;
  ASSERT_TRUE(activationParamsUint8(-3.0f, 2.0f, p).isOk());
  EXPECT_FLOAT_EQ(p.scale, 5.0f / 255);
  EXPECT_EQ(p.zeroPoint, 153);
  EXPECT_EQ(quantizeActivation(x, p),
            (std::vector<int32_t>{153, 255, 0, 26, 221, 179}));
  // A range not containing 0 is extended to it.
  ASSERT_TRUE(activationParamsUint8(1.0f, 2.0f, p).isOk());
  EXPECT_EQ(p.zeroPoint, 0);
  EXPECT_FLOAT_EQ(p.scale, 2.0f / 255);
  ASSERT_TRUE(activationParamsUint8(0.0f, 0.0f, p).isOk());
  EXPECT_EQ(p.scale, 1.0f);
  EXPECT_TRUE(activationParamsUint8(2.0f, 1.0f, p).failed());
  EXPECT_TRUE(activationParamsUint8(NAN, 1.0f, p).failed());

  ASSERT_TRUE(activationParamsInt8(12.7f, p).isOk());
  EXPECT_FLOAT_EQ(p.scale, 0.1f);
  EXPECT_EQ(p.zeroPoint, 0);
  EXPECT_FALSE(p.isUnsigned);
  std::vector<int32_t> q =
      quantizeActivation(std::vector<float>{0.25f, -100.0f, 1.0f}, p);
  EXPECT_EQ(q, (std::vector<int32_t>{2, -128, 10}));
  std::vector<float> d = dequantizeActivation(q, p);
  EXPECT_FLOAT_EQ(d[2], 1.0f);
  EXPECT_TRUE(activationParamsInt8(-1.0f, p).failed());
}

TEST(Sqnr, ClosedForm) {
  std::vector<float> x = {1, 1, 1, 1}, y = {1.1f, 0.9f, 1.1f, 0.9f};
  EXPECT_NEAR(sqnrDb(x, y), 20.0, 1e-4); // signal 4, noise 0.04
  EXPECT_TRUE(std::isinf(sqnrDb(x, x)) && sqnrDb(x, x) > 0);
  EXPECT_TRUE(std::isnan(sqnrDb(x, std::vector<float>{1})));
  std::vector<float> zero(4, 0.0f);
  EXPECT_TRUE(std::isinf(sqnrDb(zero, x)) && sqnrDb(zero, x) < 0);
}

TEST(LayerOutputSqnr, IdentityRowsGiveWeightSqnr) {
  // X = I (k rows): Y = W, so the output SQNR is the weight SQNR.
  const int64_t k = 3, n = 2;
  std::vector<float> rows = {1, 0, 0, 0, 1, 0, 0, 0, 1};
  std::vector<float> w = {1, 2, 3, 4, 5, 6}, wr = {1.1f, 2, 3, 3.9f, 5, 6};
  EXPECT_NEAR(layerOutputSqnrDb(rows, k, k, w, wr, n, {}), sqnrDb(w, wr),
              1e-5);
}

TEST(LayerOutputSqnr, ActivationQuantizationHandCase) {
  // x = 0.26 quantized with scale 0.1 (int8, zp 0) is 0.3; w = 2:
  // y = 0.52, ŷ = 0.6, SQNR = 10 log10(0.2704 / 0.0064).
  ActivationParams act;
  act.scale = 0.1f;
  act.zeroPoint = 0;
  act.isUnsigned = false;
  std::vector<float> x = {0.26f}, w = {2.0f};
  std::vector<ActivationParams> acts = {act};
  EXPECT_NEAR(layerOutputSqnrDb(x, 1, 1, w, w, 1, acts),
              10.0 * std::log10(0.2704 / 0.0064), 1e-4);
  EXPECT_TRUE(std::isinf(layerOutputSqnrDb(x, 1, 1, w, w, 1, {})));
  // Per-row parameters: the second row is exact with scale 0.02.
  std::vector<float> two = {0.26f, 0.26f};
  ActivationParams fine = act;
  fine.scale = 0.02f;
  std::vector<ActivationParams> perRow = {act, fine};
  EXPECT_NEAR(layerOutputSqnrDb(two, 2, 1, w, w, 1, perRow),
              10.0 * std::log10(2 * 0.2704 / 0.0064), 1e-3);
  EXPECT_TRUE(std::isnan(layerOutputSqnrDb(two, 2, 1, w, w, 1,
                                           std::vector<ActivationParams>(3))));
}

TEST(LayerOutputSqnr, GramMatchesRows) {
  const int64_t rowsN = 37, k = 8, n = 5;
  std::mt19937 rng(7);
  std::normal_distribution<float> gauss;
  std::vector<float> x(rowsN * k), w(k * n), wr(k * n);
  for (float &v : x)
    v = gauss(rng);
  for (size_t i = 0; i < w.size(); ++i) {
    w[i] = gauss(rng);
    wr[i] = w[i] + 0.05f * gauss(rng);
  }
  std::vector<double> gram(k * k, 0.0);
  for (int64_t r = 0; r < rowsN; ++r)
    for (int64_t a = 0; a < k; ++a)
      for (int64_t b = 0; b < k; ++b)
        gram[a * k + b] += (double)x[r * k + a] * x[r * k + b];
  double fromRows = layerOutputSqnrDb(x, rowsN, k, w, wr, n, {});
  double fromGram = layerOutputSqnrDbFromGram(gram, k, w, wr, n);
  EXPECT_GT(fromRows, 10.0);
  EXPECT_NEAR(fromGram, fromRows, 1e-6 * std::abs(fromRows));
}

TEST(LayerOutputSqnr, BadSizesAndValuesAreNaN) {
  std::vector<float> x = {1, 2}, w = {1, 2}, wr = {1};
  EXPECT_TRUE(std::isnan(layerOutputSqnrDb(x, 1, 2, w, wr, 1, {})));
  std::vector<float> nanRow = {NAN, 1};
  EXPECT_TRUE(std::isnan(layerOutputSqnrDb(nanRow, 1, 2, w, w, 1, {})));
  std::vector<double> gram = {1, 0, 0};
  EXPECT_TRUE(std::isnan(layerOutputSqnrDbFromGram(gram, 2, w, w, 1)));
}

TEST(SmoothQuant, HandCase) {
  std::vector<float> act = {4, 0, 9, 1e12f}, wmax = {1, 5, 4, 1e-12f};
  std::vector<float> s;
  ASSERT_TRUE(smoothQuantScales(act, wmax, 0.5f, s).isOk());
  EXPECT_FLOAT_EQ(s[0], 2.0f); // sqrt(4) / sqrt(1)
  EXPECT_FLOAT_EQ(s[1], 1.0f); // zero activation channel
  EXPECT_FLOAT_EQ(s[2], 1.5f); // 3 / 2
  EXPECT_FLOAT_EQ(s[3], 1e5f); // 1e12 clamped
  ASSERT_TRUE(smoothQuantScales(act, wmax, 1.0f, s).isOk());
  EXPECT_FLOAT_EQ(s[2], 9.0f);
  ASSERT_TRUE(smoothQuantScales(std::vector<float>{1e-12f},
                                std::vector<float>{1e12f}, 0.5f, s)
                  .isOk());
  EXPECT_FLOAT_EQ(s[0], 1e-5f);
  // Smoothing keeps X W: (x / s) (s w) = x w, and equalizes the ranges at
  // alpha 0.5: max|X_j| / s_j == s_j * max|W_j|.
  ASSERT_TRUE(smoothQuantScales(std::vector<float>{16},
                                std::vector<float>{0.25f}, 0.5f, s)
                  .isOk());
  EXPECT_FLOAT_EQ(16 / s[0], s[0] * 0.25f);
  Status bad = smoothQuantScales(act, std::vector<float>{1}, 0.5f, s);
  EXPECT_NE(bad.message().find("4 activation channels but 1"),
            std::string::npos);
  EXPECT_TRUE(smoothQuantScales(act, wmax, 1.5f, s).failed());
  bad = smoothQuantScales(std::vector<float>{1, -1}, std::vector<float>{1, 1},
                          0.5f, s);
  EXPECT_NE(bad.message().find("channel 1"), std::string::npos);
}

TEST(SmoothQuant, WeightRowAbsMax) {
  // [K = 2, N = 3].
  EXPECT_EQ(
      weightRowAbsMax(std::vector<float>{1, -3, 2, 0, 0.5f, -0.25f}, 2, 3),
      (std::vector<float>{3, 0.5f}));
}
