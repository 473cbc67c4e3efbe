//===- CalibratorsTest.cpp - Streaming calibrators ------------------------===//

#include "QuantOpt/Quant/Calibrators.h"
#include "QuantOpt/Quant/Encoders.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <limits>
#include <random>

using namespace qopt::quant;

namespace {

std::vector<float> uniform(size_t n, float lo, float hi, unsigned seed) {
  std::mt19937 gen(seed);
  std::vector<float> v(n);
  for (float &x : v)
    x = lo + (hi - lo) * float(gen() >> 8) / float(1 << 24);
  return v;
}

std::vector<float> gaussian(size_t n, unsigned seed) {
  // Box-Muller on mt19937 draws (portable, unlike std::normal_distribution).
  std::mt19937_64 gen(seed);
  std::vector<float> v(n);
  for (size_t i = 0; i < n; i += 2) {
    double u1 = (double(gen() >> 11) + 1.0) / 9007199254740993.0;
    double u2 = double(gen() >> 11) / 9007199254740992.0;
    double r = std::sqrt(-2.0 * std::log(u1));
    v[i] = float(r * std::cos(2 * M_PI * u2));
    if (i + 1 < n)
      v[i + 1] = float(r * std::sin(2 * M_PI * u2));
  }
  return v;
}

/// |x| histogram of N(0, scale^2) mass, 2048 bins over [0, 6), the tail in
/// the last bin, times `total` (with 1e7, the one
/// unittests/Quant/kl_reference.py builds; larger totals keep the tail from
/// being rounded away).
Histogram analyticGaussianHistogram(double total = 1e13) {
  const int bins = 2048;
  const double range = 6.0, w = range / bins;
  std::vector<uint64_t> counts(bins);
  for (int b = 0; b < bins; ++b) {
    double lo = b * w, hi = (b + 1) * w;
    double mass = b == bins - 1 ? std::erfc(lo / std::sqrt(2.0))
                                : std::erf(hi / std::sqrt(2.0)) -
                                      std::erf(lo / std::sqrt(2.0));
    counts[b] = uint64_t(std::llround(total * mass));
  }
  Histogram h;
  EXPECT_TRUE(Histogram::fromCounts(float(range), counts, h).isOk());
  return h;
}

} // namespace

TEST(ChannelAxis, FromShape) {
  ChannelAxis axis;
  std::vector<int64_t> shape = {2, 3, 4};
  ASSERT_TRUE(ChannelAxis::fromShape(shape, 1, axis).isOk());
  EXPECT_EQ(axis.numChannels, 3);
  EXPECT_EQ(axis.inner, 4);
  ASSERT_TRUE(ChannelAxis::fromShape(shape, -1, axis).isOk());
  EXPECT_EQ(axis.numChannels, 4);
  EXPECT_EQ(axis.inner, 1);
  Status bad = ChannelAxis::fromShape(shape, 3, axis);
  ASSERT_TRUE(bad.failed());
  EXPECT_NE(bad.message().find("out of range"), std::string::npos);
}

TEST(MinMax, UniformPerTensor) {
  MinMaxObserver observer;
  for (unsigned s = 0; s < 4; ++s) {
    std::vector<float> batch = uniform(10000, -2.0f, 3.0f, s);
    ASSERT_TRUE(observer.observe(batch).isOk());
  }
  // 40000 draws from U(-2, 3): the extremes are within 5 * 1e-3 of the ends
  // with overwhelming probability (P(miss) = (1 - 1e-3)^40000 ~ 4e-18).
  EXPECT_NEAR(observer.min()[0], -2.0f, 5e-3);
  EXPECT_NEAR(observer.max()[0], 3.0f, 5e-3);
  EXPECT_EQ(observer.count(), 40000);
}

TEST(MinMax, PerChannelAndNonFinite) {
  // Shape [2, 3] with channels on the last dim, then on dim 0 ([3, 2]).
  MinMaxObserver lastDim(ChannelAxis::lastDim(3));
  std::vector<float> batch = {1, -5, 2, -1, 7, NAN};
  ASSERT_TRUE(lastDim.observe(batch).isOk());
  EXPECT_EQ(lastDim.min(), (std::vector<float>{-1, -5, 2}));
  EXPECT_EQ(lastDim.max(), (std::vector<float>{1, 7, 2}));
  EXPECT_EQ(lastDim.numNonFinite(), 1);
  MinMaxObserver dim0({3, 2});
  ASSERT_TRUE(dim0.observe(batch).isOk());
  EXPECT_EQ(dim0.min(), (std::vector<float>{-5, -1, 7}));
  EXPECT_EQ(dim0.max(), (std::vector<float>{1, 2, 7}));
  Status bad = lastDim.observe(std::vector<float>{1, 2});
  ASSERT_TRUE(bad.failed());
  EXPECT_NE(bad.message().find("not a multiple"), std::string::npos);
}

TEST(MovingAverageMinMax, ClosedForm) {
  MovingAverageMinMaxObserver observer(0.5f);
  ASSERT_TRUE(observer.observe(std::vector<float>{-1, 2}).isOk());
  EXPECT_EQ(observer.min()[0], -1.0f);
  EXPECT_EQ(observer.max()[0], 2.0f);
  ASSERT_TRUE(observer.observe(std::vector<float>{-3, 4}).isOk());
  EXPECT_EQ(observer.min()[0], -2.0f); // -1 + 0.5 * (-3 + 1)
  EXPECT_EQ(observer.max()[0], 3.0f);  // 2 + 0.5 * (4 - 2)
  ASSERT_TRUE(observer.observe(std::vector<float>{0, 1}).isOk());
  EXPECT_EQ(observer.min()[0], -1.0f);
  EXPECT_EQ(observer.max()[0], 2.0f);

  // Default momentum 0.01 with a constant batch range converges to it and
  // after n steps the gap shrinks by 0.99^n.
  MovingAverageMinMaxObserver slow;
  EXPECT_FLOAT_EQ(slow.momentum(), 0.01f);
  ASSERT_TRUE(slow.observe(std::vector<float>{0, 0}).isOk());
  for (int i = 0; i < 100; ++i)
    ASSERT_TRUE(slow.observe(std::vector<float>{-1, 1}).isOk());
  EXPECT_NEAR(slow.max()[0], 1.0 - std::pow(0.99, 100), 1e-5);
  EXPECT_NEAR(slow.min()[0], -1.0 + std::pow(0.99, 100), 1e-5);
}

TEST(Histogram, BinsAndGrowth) {
  Histogram h(8);
  ASSERT_TRUE(h.numBins() == 8);
  h.observe(std::vector<float>{0.0f, 0.5f, -1.0f, 4.0f}); // range 4, w 0.5
  EXPECT_EQ(h.range(), 4.0f);
  EXPECT_EQ(h.counts(), (std::vector<uint64_t>{1, 1, 1, 0, 0, 0, 0, 1}));
  // 10 > 4: factor ceil(10 / 4) = 3, range 12, width 1.5; bins merge 3 by 3.
  h.observe(std::vector<float>{10.0f, -2.9f, INFINITY});
  EXPECT_EQ(h.range(), 12.0f);
  EXPECT_EQ(h.counts(), (std::vector<uint64_t>{3, 1, 1, 0, 0, 0, 1, 0}));
  EXPECT_EQ(h.total(), 6u);
  EXPECT_EQ(h.numNonFinite(), 1u);
  EXPECT_EQ(h.maxAbs(), 10.0f);

  // Growth is exact: the same data in one batch with the final range gives
  // the same counts when the first range divides it.
  std::vector<float> all = uniform(5000, -3.0f, 3.0f, 7);
  Histogram streamed(64), fixed(64, 12.0f);
  streamed.observe(Span<float>(all.data(), 10)); // sets some range r
  float r0 = streamed.range();
  streamed.observe(Span<float>(all.data() + 10, all.size() - 10));
  fixed = Histogram(64, streamed.range());
  fixed.observe(all);
  (void)r0;
  uint64_t sum = 0;
  for (uint64_t c : streamed.counts())
    sum += c;
  EXPECT_EQ(sum, 5000u);
  // Values are binned against the final grid except for float rounding at
  // edges: allow a handful of moves between neighbouring bins.
  int64_t diff = 0;
  for (int b = 0; b < 64; ++b)
    diff +=
        std::llabs(int64_t(streamed.counts()[b]) - int64_t(fixed.counts()[b]));
  EXPECT_LE(diff, 4);
}

TEST(Histogram, Merge) {
  Histogram a(16, 4.0f), b(16, 8.0f);
  a.observe(std::vector<float>{0.1f, 3.9f});
  b.observe(std::vector<float>{7.9f});
  ASSERT_TRUE(a.merge(b).isOk());
  EXPECT_EQ(a.range(), 8.0f);
  EXPECT_EQ(a.total(), 3u);
  EXPECT_EQ(a.counts()[0], 1u);
  EXPECT_EQ(a.counts()[7], 1u);
  EXPECT_EQ(a.counts()[15], 1u);
  Histogram c(8);
  EXPECT_TRUE(a.merge(c).failed());
}

TEST(Percentile, Uniform) {
  Histogram h;
  for (unsigned s = 0; s < 10; ++s)
    h.observe(uniform(100000, -1.0f, 1.0f, s));
  // |x| ~ U(0, 1): the p-th percentile is p / 100.
  for (double p : {50.0, 90.0, 99.0, 99.99})
    EXPECT_NEAR(percentileThreshold(h, p), p / 100.0, 5e-3) << p;
  EXPECT_EQ(percentileThreshold(h, 100.0), h.maxAbs());
  EXPECT_EQ(percentileThreshold(Histogram(), 99.0), 0.0f);
}

TEST(Percentile, GaussianQuantile) {
  // The 99.99th percentile of |x| for N(0, 1) is Phi^-1(0.99995) = 3.8906.
  // With the analytic histogram the bin interpolation error is < 1 bin.
  Histogram h = analyticGaussianHistogram();
  EXPECT_NEAR(percentileThreshold(h, 99.99), 3.8906, 6.0 / 2048);
  // 95% two-sided: 1.95996.
  EXPECT_NEAR(percentileThreshold(h, 95.0), 1.95996, 6.0 / 2048);
  // Sampled data (4M values): within sampling error (the 99.99th percentile
  // of 4e6 draws has a standard error ~ 0.01).
  Histogram sampled;
  for (unsigned s = 0; s < 4; ++s)
    sampled.observe(gaussian(1000000, 100 + s));
  EXPECT_NEAR(percentileThreshold(sampled, 99.99), 3.8906, 0.05);
}

TEST(Kl, MatchesReference) {
  // unittests/Quant/kl_reference.py (a NumPy transcription of the MXNet /
  // ONNX Runtime entropy calibration) prints 4.63769531 (bin 1583) for this
  // histogram. Around the optimum the divergence is flat to ~1e-9 relative
  // (bins 1583 and 1589 differ by 3e-14 in KL), below the summation-order
  // noise of NumPy's pairwise sums vs. ours, so allow 8 bins (0.023 sigma).
  Histogram h = analyticGaussianHistogram(1e7);
  EXPECT_NEAR(klThreshold(h), 4.63769531, 8 * 6.0 / 2048);
}

TEST(Kl, Properties) {
  // Data that fits in the first 128 bins exactly: P = Q at i = 128.
  std::vector<uint64_t> counts(2048, 0);
  for (int b = 0; b < 128; ++b)
    counts[b] = 1000;
  Histogram h;
  ASSERT_TRUE(Histogram::fromCounts(2048.0f, counts, h).isOk());
  EXPECT_EQ(klThreshold(h), 128.0f);
  // Fewer bins than quantized bins: the whole range.
  Histogram small;
  ASSERT_TRUE(Histogram::fromCounts(3.0f, {1, 2, 3}, small).isOk());
  EXPECT_EQ(klThreshold(small), 3.0f);
  EXPECT_EQ(klThreshold(Histogram()), 0.0f);
  // Sampled Gaussian: the KL threshold clips (below max |x|) and lies near
  // the analytic one.
  Histogram sampled(2048, 6.0f);
  sampled.observe(gaussian(2000000, 5));
  float t = klThreshold(sampled);
  EXPECT_LT(t, sampled.maxAbs());
  EXPECT_NEAR(t, 4.64, 0.35);
}

namespace {
/// Closed-form expected MSE of symmetric uniform quantization of N(0, 1) with
/// clip T: step^2/12 * P(|x| <= T) + 2 * int_T^inf (x - T)^2 phi(x) dx.
double gaussianMse(double t, int bits) {
  double levels = double((1 << (bits - 1)) - 1), step = t / levels;
  double q = 0.5 * std::erfc(t / std::sqrt(2.0));
  double phi = std::exp(-t * t / 2) / std::sqrt(2 * M_PI);
  return step * step / 12 * (1 - 2 * q) + 2 * ((1 + t * t) * q - t * phi);
}

double argminGaussianMse(int bits) {
  double best = 1e30, bestT = 0;
  for (double t = 1.0; t < 8.0; t += 1e-4)
    if (double e = gaussianMse(t, bits); e < best) {
      best = e;
      bestT = t;
    }
  return bestT;
}

/// Brute force: the actual mean squared error of quantize / dequantize.
double empiricalMse(const std::vector<float> &x, float t, int bits) {
  float scale = t / float((1 << (bits - 1)) - 1);
  int32_t q = (1 << (bits - 1)) - 1;
  double e = 0;
  for (float v : x) {
    float y = float(quantizeValue(v, scale, 0, -q, q)) * scale;
    e += double(v - y) * double(v - y);
  }
  return e / double(x.size());
}
} // namespace

TEST(Mse, GaussianOptimum) {
  // Derived optimum for N(0, 1): 3.92 sigma at 8 bits (ACIQ's value), 2.47 at
  // 4 bits.
  EXPECT_NEAR(argminGaussianMse(8), 3.921, 2e-3);
  EXPECT_NEAR(argminGaussianMse(4), 2.474, 2e-3);
  Histogram analytic = analyticGaussianHistogram();
  EXPECT_NEAR(mseThreshold(analytic, 8), argminGaussianMse(8), 0.02);
  EXPECT_NEAR(mseThreshold(analytic, 4), argminGaussianMse(4), 0.01);
  EXPECT_NEAR(histogramQuantizationMse(analytic, 3.92, 8), gaussianMse(3.92, 8),
              0.02 * gaussianMse(3.92, 8));

  // Against brute force on samples: the histogram's threshold is (nearly) as
  // good as the best threshold of a fine grid evaluated on the data itself.
  std::vector<float> x = gaussian(400000, 11);
  Histogram h;
  h.observe(x);
  for (int bits : {4, 8}) {
    float t = mseThreshold(h, bits);
    double best = 1e30;
    for (float c = 1.5f; c < 6.0f; c += 0.05f)
      best = std::min(best, empiricalMse(x, c, bits));
    EXPECT_LE(empiricalMse(x, t, bits), best * 1.02)
        << bits << " bits, T=" << t;
    EXPECT_NEAR(t, argminGaussianMse(bits), bits == 8 ? 0.4 : 0.1) << bits;
  }
}

TEST(ChannelAbsStats, ClosedForm) {
  ChannelAbsStats stats(ChannelAxis::lastDim(2));
  ASSERT_TRUE(stats.observe(std::vector<float>{1, -4, -3, 2}).isOk());
  ASSERT_TRUE(stats.observe(std::vector<float>{NAN, 0}).isOk());
  EXPECT_EQ(stats.absMax(), (std::vector<float>{3, 4}));
  EXPECT_EQ(stats.meanAbs(), (std::vector<float>{2, 2}));
  EXPECT_EQ(stats.counts(), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(stats.numNonFinite(), 1);
}

TEST(Gram, MatchesNaive) {
  for (int64_t k : {1, 5, 8, 37, 70}) {
    GramAccumulator acc(k);
    std::vector<float> all;
    int64_t rows = 0;
    for (int64_t batchRows : {3, 64, 1, 100, 0, 17}) {
      std::vector<float> batch =
          uniform(batchRows * k, -2.0f, 2.0f, unsigned(k + batchRows));
      ASSERT_TRUE(acc.observe(batch).isOk());
      all.insert(all.end(), batch.begin(), batch.end());
      rows += batchRows;
    }
    // A row with a NaN is skipped whole.
    std::vector<float> bad(k, 1.0f);
    bad[k / 2] = NAN;
    ASSERT_TRUE(acc.observe(bad).isOk());
    EXPECT_EQ(acc.numSkippedRows(), 1);
    EXPECT_EQ(acc.numRows(), rows);
    std::vector<double> got = acc.matrix(), want = naiveGram(all, rows, k);
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < got.size(); ++i)
      ASSERT_NEAR(got[i], want[i], 1e-9 * (1 + std::fabs(want[i])))
          << "K=" << k << " i=" << i;
  }
  GramAccumulator acc(4);
  EXPECT_TRUE(acc.observe(std::vector<float>{1, 2, 3}).failed());
}

TEST(Gram, ThreadCountDoesNotChangeTheResult) {
  // The column blocks are spread over threads; each entry is summed in one
  // order whatever the thread count: bit-identical matrices. (K = 400:
  // a block of 64 rows is above the single-thread threshold.)
  const int64_t k = 400, rows = 150;
  std::vector<float> x = uniform(rows * k, -1.0f, 1.0f, 9);
  std::vector<double> results[3];
  for (int threads = 1; threads <= 3; ++threads) {
    GramAccumulator acc(k, threads);
    ASSERT_TRUE(acc.observe(Span<float>(x.data(), 70 * k)).isOk());
    ASSERT_TRUE(acc.observe(Span<float>(x.data() + 70 * k, 80 * k)).isOk());
    results[threads - 1] = acc.matrix();
  }
  EXPECT_EQ(results[0], results[1]);
  EXPECT_EQ(results[0], results[2]);
  std::vector<double> want = naiveGram(x, rows, k);
  for (size_t i = 0; i < want.size(); ++i)
    ASSERT_NEAR(results[1][i], want[i], 1e-9 * (1 + std::fabs(want[i])));
}

TEST(Gram, AssignThenContinue) {
  // Resuming from a stored matrix (calibration table) and adding rows gives
  // the matrix of all rows.
  const int64_t k = 13;
  std::vector<float> first = uniform(20 * k, -1.0f, 1.0f, 1);
  std::vector<float> second = uniform(30 * k, -1.0f, 1.0f, 2);
  GramAccumulator a(k);
  ASSERT_TRUE(a.observe(first).isOk());
  GramAccumulator b(k);
  ASSERT_TRUE(b.assign(a.matrix(), a.numRows()).isOk());
  ASSERT_TRUE(b.observe(second).isOk());
  std::vector<float> all = first;
  all.insert(all.end(), second.begin(), second.end());
  std::vector<double> want = naiveGram(all, 50, k), got = b.matrix();
  EXPECT_EQ(b.numRows(), 50);
  for (size_t i = 0; i < got.size(); ++i)
    ASSERT_NEAR(got[i], want[i], 1e-9 * (1 + std::fabs(want[i])));
  EXPECT_TRUE(b.assign(std::vector<double>(3), 1).failed());
}

TEST(Gram, Throughput4096) {
  // XᵀX for K = 4096 (a 7B-model hidden size); prints rows/s and GFLOP/s
  // (2 * K^2 / 2 flops per row on the upper triangle).
  const int64_t k = 4096, rows = 256;
  std::vector<float> x = uniform(rows * k, -1.0f, 1.0f, 3);
  GramAccumulator acc(k, /*numThreads=*/1);
  auto start = std::chrono::steady_clock::now();
  std::clock_t cpuStart = std::clock();
  ASSERT_TRUE(acc.observe(x).isOk());
  double s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  double cpu = double(std::clock() - cpuStart) / CLOCKS_PER_SEC;
  std::printf("[ perf     ] XtX K=4096, %lld rows, one thread: %.0f rows/s, "
              "%.1f GFLOP/s (upper triangle); per CPU second: %.0f rows/s, "
              "%.1f GFLOP/s\n",
              (long long)rows, rows / s, double(rows) * k * k / s * 1e-9,
              rows / cpu, double(rows) * k * k / cpu * 1e-9);
  // Spot-check a few entries against a direct dot product.
  std::vector<double> g = acc.matrix();
  for (int64_t i : {0L, 1000L, 4095L})
    for (int64_t j : {0L, 7L, 4095L}) {
      double d = 0;
      for (int64_t r = 0; r < rows; ++r)
        d += double(x[r * k + i]) * double(x[r * k + j]);
      EXPECT_NEAR(g[i * k + j], d, 1e-9 * (1 + std::fabs(d)));
    }
}

TEST(Histogram, Throughput) {
  std::vector<float> x = gaussian(1 << 22, 9);
  Histogram h;
  auto start = std::chrono::steady_clock::now();
  std::clock_t cpuStart = std::clock();
  for (int i = 0; i < 4; ++i)
    h.observe(x);
  double s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  double cpu = double(std::clock() - cpuStart) / CLOCKS_PER_SEC;
  std::printf(
      "[ perf     ] 2048-bin |x| histogram, one thread: %.0f M values/s; "
      "per CPU second: %.0f M values/s\n",
      4.0 * x.size() / s * 1e-6, 4.0 * x.size() / cpu * 1e-6);
  EXPECT_EQ(h.total(), 4u * x.size());
}

TEST(Reservoir, BoundDeterminismUniformity) {
  const int64_t capacity = 10, rowSize = 2, n = 1000;
  std::vector<float> rows(n * rowSize);
  for (int64_t r = 0; r < n; ++r)
    rows[r * 2] = rows[r * 2 + 1] = float(r);
  Reservoir a(capacity, rowSize, 42), b(capacity, rowSize, 42),
      c(capacity, rowSize, 43);
  ASSERT_TRUE(a.observe(Span<float>(rows.data(), 6)).isOk());
  EXPECT_EQ(a.numKept(), 3); // Fewer rows than capacity: all kept, in order.
  EXPECT_EQ(a.rows(), (std::vector<float>{0, 0, 1, 1, 2, 2}));
  ASSERT_TRUE(a.observe(Span<float>(rows.data() + 6, rows.size() - 6)).isOk());
  ASSERT_TRUE(b.observe(rows).isOk()); // Batching does not matter.
  ASSERT_TRUE(c.observe(rows).isOk());
  EXPECT_EQ(a.numKept(), capacity);
  EXPECT_EQ(a.rows().size(), size_t(capacity * rowSize));
  EXPECT_EQ(a.numSeen(), n);
  EXPECT_EQ(a.rows(), b.rows());
  EXPECT_NE(a.rows(), c.rows());
  for (int64_t r = 0; r < capacity; ++r)
    EXPECT_EQ(a.rows()[r * 2], a.rows()[r * 2 + 1]); // Rows stay whole.
  EXPECT_TRUE(a.observe(std::vector<float>{1}).failed());

  // Uniformity: over 2000 seeds each of 100 stream positions is kept with
  // probability 10/100; check the 10 deciles are each near 10%.
  std::vector<int> kept(10, 0);
  std::vector<float> stream(100);
  for (int i = 0; i < 100; ++i)
    stream[i] = float(i);
  for (uint64_t seed = 0; seed < 2000; ++seed) {
    Reservoir r(10, 1, seed);
    ASSERT_TRUE(r.observe(stream).isOk());
    for (float v : r.rows())
      kept[int(v) / 10]++;
  }
  for (int d = 0; d < 10; ++d)
    EXPECT_NEAR(kept[d], 2000, 200) << "decile " << d; // ~4.7 sigma.
}
