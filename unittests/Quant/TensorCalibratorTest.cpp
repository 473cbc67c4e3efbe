//===- TensorCalibratorTest.cpp - Per-tensor statistics into the table ----===//

#include "QuantOpt/Quant/TensorCalibrator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>

using namespace qopt::quant;

TEST(TensorCalibrator, CollectsWhatIsRequested) {
  CalibrationRequest request;
  request.movingAverage = true;
  request.momentum = 0.5f;
  request.percentile = 100.0;
  request.mse = true;
  request.kl = true;
  request.channelStats = true; // Last dim: 3 features.
  request.gram = true;
  request.reservoirRows = 2;
  TensorCalibrator calibrator("x", request);
  // Two runs with different row counts ([2, 3] then [1, 1, 3]).
  std::vector<float> run1 = {1, -2, 0, 3, 0, -1};
  std::vector<int64_t> shape1 = {2, 3};
  ASSERT_TRUE(calibrator.observe(run1, shape1).isOk());
  std::vector<float> run2 = {-4, 1, 2};
  std::vector<int64_t> shape2 = {1, 1, 3};
  ASSERT_TRUE(calibrator.observe(run2, shape2).isOk());
  EXPECT_EQ(calibrator.numRuns(), 2);

  TensorCalibration t;
  ASSERT_TRUE(calibrator.finish(t).isOk());
  EXPECT_EQ(t.name, "x");
  EXPECT_EQ(*t.min, -4.0f);
  EXPECT_EQ(*t.max, 3.0f);
  EXPECT_EQ(*t.absMax, 4.0f);
  EXPECT_EQ(*t.movingMin, -3.0f); // -2 + 0.5 * (-4 + 2)
  EXPECT_EQ(*t.movingMax, 2.5f);  // 3 + 0.5 * (2 - 3)
  EXPECT_EQ(*t.momentum, 0.5f);
  EXPECT_EQ(*t.percentile, 100.0);
  EXPECT_EQ(*t.percentileThreshold, 4.0f);
  EXPECT_TRUE(t.klThreshold.has_value());
  EXPECT_TRUE(t.mseThreshold.has_value());
  EXPECT_EQ(t.histogram.size(), 2048u);
  EXPECT_EQ(t.histogramRange, 6.0f); // Run 1 sets 3; 4 grows it by ceil(4/3).
  EXPECT_EQ(t.channelAbsMax, (std::vector<float>{4, 2, 2}));
  EXPECT_EQ(t.channelMeanAbs, (std::vector<float>{8.0f / 3, 1, 1}));
  EXPECT_EQ(t.gramK, 3);
  EXPECT_EQ(t.gramRows, 3);
  // Column 0 is (1, 3, -4): sum of squares 26; (col 0, col 1): -2 + 0 - 4.
  EXPECT_EQ(t.gram[0], 26.0);
  EXPECT_EQ(t.gram[1], -6.0);
  EXPECT_EQ(t.reservoirRowSize, 3);
  EXPECT_EQ(t.reservoirSeen, 3);
  EXPECT_EQ(t.reservoir.size(), 6u);

  // The entry goes through the table unchanged.
  char pattern[] = "/tmp/qopt-quant-test.XXXXXX";
  std::string dir = mkdtemp(pattern);
  CalibrationTable table;
  table.fingerprint = "f";
  table.sampleCount = 2;
  table.tensors.push_back(t);
  ASSERT_TRUE(writeCalibrationTable(dir + "/t.json", table).isOk());
  CalibrationTable back;
  ASSERT_TRUE(readCalibrationTable(dir + "/t.json", "f", back).isOk());
  EXPECT_EQ(back.tensors[0].gram, t.gram);
  EXPECT_EQ(back.tensors[0].mseThreshold, t.mseThreshold);
  std::system(("rm -rf '" + dir + "'").c_str());
}

TEST(TensorCalibrator, Errors) {
  CalibrationRequest request;
  request.gram = true;
  TensorCalibrator calibrator("h", request);
  std::vector<float> values(6, 1.0f);
  std::vector<int64_t> shape = {2, 3}, other = {3, 2}, wrong = {4, 3};
  ASSERT_TRUE(calibrator.observe(values, shape).isOk());
  Status s = calibrator.observe(values, other);
  EXPECT_EQ(s.message(), "tensor 'h': last dimension changed from 3 to 2");
  s = calibrator.observe(values, wrong);
  EXPECT_EQ(s.message(), "tensor 'h': 6 values do not match the shape's 12");
  TensorCalibrator empty("e", CalibrationRequest());
  std::vector<float> nan = {NAN};
  std::vector<int64_t> one = {1};
  ASSERT_TRUE(empty.observe(nan, one).isOk());
  TensorCalibration t;
  EXPECT_EQ(empty.finish(t).message(),
            "tensor 'e': no finite value was observed");
}

TEST(TensorCalibrator, ActivationParamsFromTable) {
  TensorCalibration entry;
  entry.name = "act";
  entry.min = -1.0f;
  entry.max = 25.5f;
  entry.movingMin = -0.5f;
  entry.movingMax = 12.7f;
  entry.klThreshold = 12.7f;
  ActivationParams p;
  ASSERT_TRUE(activationParamsFromCalibration(entry, CalibrationMethod::MinMax,
                                              false, p)
                  .isOk());
  EXPECT_FLOAT_EQ(p.scale, 26.5f / 255);
  EXPECT_EQ(p.zeroPoint, 10); // round(1 / 0.1039) = round(9.62)
  ASSERT_TRUE(
      activationParamsFromCalibration(entry, CalibrationMethod::MinMax, true, p)
          .isOk());
  EXPECT_FLOAT_EQ(p.scale, 25.5f / 127);
  EXPECT_FALSE(p.isUnsigned);
  ASSERT_TRUE(activationParamsFromCalibration(
                  entry, CalibrationMethod::MovingAverage, true, p)
                  .isOk());
  EXPECT_FLOAT_EQ(p.scale, 0.1f);
  // Entropy, asymmetric: [max(min, -T), min(max, T)] = [-1, 12.7].
  ASSERT_TRUE(activationParamsFromCalibration(entry, CalibrationMethod::Entropy,
                                              false, p)
                  .isOk());
  EXPECT_FLOAT_EQ(p.scale, 13.7f / 255);
  ASSERT_TRUE(activationParamsFromCalibration(entry, CalibrationMethod::Entropy,
                                              true, p)
                  .isOk());
  EXPECT_FLOAT_EQ(p.scale, 0.1f);
  Status s =
      activationParamsFromCalibration(entry, CalibrationMethod::Mse, true, p);
  EXPECT_EQ(s.message(),
            "tensor 'act' has no \"mse_threshold\" in the calibration table "
            "(needed by the mse method; recalibrate with it)");

  CalibrationMethod method;
  ASSERT_TRUE(parseCalibrationMethod("kl", method).isOk());
  EXPECT_EQ(method, CalibrationMethod::Entropy);
  EXPECT_STREQ(calibrationMethodName(method), "entropy");
  EXPECT_NE(parseCalibrationMethod("max", method)
                .message()
                .find("unknown calibration method 'max'"),
            std::string::npos);
  // requireStatistics + TensorCalibrator give what the method reads back.
  CalibrationRequest request;
  requireStatistics(CalibrationMethod::Percentile, request, 99.0);
  TensorCalibrator calibrator("act", request);
  std::vector<float> values(1000);
  for (int i = 0; i < 1000; ++i)
    values[i] = float(i) / 100; // |x| uniform on [0, 10)
  std::vector<int64_t> shape = {1000};
  ASSERT_TRUE(calibrator.observe(values, shape).isOk());
  TensorCalibration t;
  ASSERT_TRUE(calibrator.finish(t).isOk());
  ASSERT_TRUE(
      activationParamsFromCalibration(t, CalibrationMethod::Percentile, true, p)
          .isOk());
  EXPECT_NEAR(p.scale * 127, 9.9f, 0.02f);
}
