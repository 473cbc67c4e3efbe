//===- CalibrationTableTest.cpp - Calibration table round trip / errors ---===//

#include "QuantOpt/Quant/CalibrationTable.h"

#include <gtest/gtest.h>

#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

using namespace qopt::quant;

namespace {

class TableTest : public ::testing::Test {
protected:
  void SetUp() override {
    char pattern[] = "/tmp/qopt-quant-test.XXXXXX";
    dir_ = mkdtemp(pattern);
    path_ = dir_ + "/model.calib.json";
  }
  void TearDown() override { std::system(("rm -rf '" + dir_ + "'").c_str()); }

  static CalibrationTable sample() {
    CalibrationTable table;
    table.fingerprint = "onnx-fnv1a64:0123456789abcdef";
    table.sampleCount = 32;
    TensorCalibration a;
    a.name = "layer0/input \"quoted\"";
    a.min = -1.5f;
    a.max = 2.25f;
    a.movingMin = -1.25f;
    a.movingMax = 2.0f;
    a.momentum = 0.01f;
    a.absMax = 2.25f;
    a.percentile = 99.99;
    a.percentileThreshold = 2.1f;
    a.klThreshold = 1.9f;
    a.mseThreshold = 1.7f;
    a.histogram.assign(2048, 0);
    for (int b = 0; b < 2048; ++b)
      a.histogram[b] = uint64_t(b) * 1000003u;
    a.histogramRange = 2.25f;
    a.channelAxis = -1;
    a.channelAbsMax = {1.0f, 2.25f, 0.5f};
    a.channelMeanAbs = {0.25f, 0.5f, 0.125f};
    a.gramK = 3;
    a.gramRows = 7;
    a.gram = {1, 2, 3, 2, 5, 6, 3, 6, 9.000000000000002};
    a.reservoirRowSize = 3;
    a.reservoirSeen = 100;
    a.reservoir = {1, 2, 3, 4, 5, 6};
    TensorCalibration b;
    b.name = "logits";
    b.min = 0.1f; // Only min / max.
    b.max = 0.3f;
    table.tensors = {a, b};
    return table;
  }

  std::string read(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  void write(const std::string &path, const std::string &data) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << data;
  }
  /// Replaces the first occurrence of `from` in the JSON.
  void editJson(const std::string &from, const std::string &to) {
    std::string json = read(path_);
    size_t at = json.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    json.replace(at, from.size(), to);
    write(path_, json);
  }
  /// Rewrites the sidecar checksum in the JSON after editing the sidecar.
  void rehash() {
    std::string bin = read(path_ + ".bin");
    char hash[24];
    std::snprintf(hash, sizeof hash, "%016" PRIx64,
                  fnv1a64(bin.data(), bin.size()));
    std::string json = read(path_);
    size_t at = json.find("\"sidecar_fnv1a64\": \"");
    ASSERT_NE(at, std::string::npos);
    json.replace(at + 20, 16, hash);
    write(path_, json);
  }
  std::string readError(const std::string &fingerprint = "") {
    CalibrationTable t;
    Status s = readCalibrationTable(path_, fingerprint, t);
    EXPECT_TRUE(s.failed());
    return s.message();
  }

  std::string dir_, path_;
};

} // namespace

TEST_F(TableTest, RoundTrip) {
  CalibrationTable table = sample();
  ASSERT_TRUE(writeCalibrationTable(path_, table).isOk());
  CalibrationTable back;
  Status s = readCalibrationTable(path_, table.fingerprint, back);
  ASSERT_TRUE(s.isOk()) << s.message();
  EXPECT_EQ(back.fingerprint, table.fingerprint);
  EXPECT_EQ(back.sampleCount, 32);
  ASSERT_EQ(back.tensors.size(), 2u);
  const TensorCalibration &a = back.tensors[0], &want = table.tensors[0];
  EXPECT_EQ(a.name, want.name);
  EXPECT_EQ(a.min, want.min);
  EXPECT_EQ(a.max, want.max);
  EXPECT_EQ(a.movingMin, want.movingMin);
  EXPECT_EQ(a.movingMax, want.movingMax);
  EXPECT_EQ(a.momentum, want.momentum);
  EXPECT_EQ(a.absMax, want.absMax);
  EXPECT_EQ(a.percentile, want.percentile);
  EXPECT_EQ(a.percentileThreshold, want.percentileThreshold);
  EXPECT_EQ(a.klThreshold, want.klThreshold);
  EXPECT_EQ(a.mseThreshold, want.mseThreshold);
  EXPECT_EQ(a.histogram, want.histogram);
  EXPECT_EQ(a.histogramRange, want.histogramRange);
  EXPECT_EQ(a.channelAxis, -1);
  EXPECT_EQ(a.channelAbsMax, want.channelAbsMax);
  EXPECT_EQ(a.channelMeanAbs, want.channelMeanAbs);
  EXPECT_EQ(a.gram, want.gram); // Bit-exact doubles.
  EXPECT_EQ(a.gramK, 3);
  EXPECT_EQ(a.gramRows, 7);
  EXPECT_EQ(a.reservoir, want.reservoir);
  EXPECT_EQ(a.reservoirRowSize, 3);
  EXPECT_EQ(a.reservoirSeen, 100);
  const TensorCalibration *b = back.find("logits");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->min, 0.1f);
  EXPECT_FALSE(b->absMax.has_value());
  EXPECT_TRUE(b->histogram.empty());
  EXPECT_EQ(back.find("missing"), nullptr);
  // An empty expected fingerprint accepts any.
  EXPECT_TRUE(readCalibrationTable(path_, "", back).isOk());

  // Sidecar arrays start on 64-byte boundaries; writing is deterministic.
  std::string json = read(path_), bin = read(path_ + ".bin");
  EXPECT_EQ(bin.size() % 64, 0u);
  EXPECT_EQ(bin.compare(0, 8, "QOPTCALB"), 0);
  ASSERT_TRUE(writeCalibrationTable(path_, table).isOk());
  EXPECT_EQ(read(path_), json);
  EXPECT_EQ(read(path_ + ".bin"), bin);
  // No temporary files are left behind.
  std::string ls;
  FILE *p = popen(("ls " + dir_).c_str(), "r");
  char buf[256];
  while (fgets(buf, sizeof buf, p))
    ls += buf;
  pclose(p);
  EXPECT_EQ(ls, "model.calib.json\nmodel.calib.json.bin\n");
}

TEST_F(TableTest, WrongFormatVersionFingerprint) {
  ASSERT_TRUE(writeCalibrationTable(path_, sample()).isOk());
  EXPECT_NE(
      readError("other-model")
          .find(
              "made for model fingerprint 'onnx-fnv1a64:0123456789abcdef', not "
              "'other-model'"),
      std::string::npos);
  editJson("\"version\": 1", "\"version\": 2");
  EXPECT_NE(readError().find("version 2 is not supported"), std::string::npos);
  editJson("\"version\": 2", "\"version\": 1");
  editJson("quant-opt-calibration", "tensorrt-cache");
  EXPECT_NE(readError().find("not a quant-opt calibration table"),
            std::string::npos);
  write(path_, "{\"format\": ");
  EXPECT_NE(readError().find("not a valid JSON"), std::string::npos);
  std::remove(path_.c_str());
  EXPECT_NE(readError().find("cannot open"), std::string::npos);
}

TEST_F(TableTest, CorruptSidecar) {
  ASSERT_TRUE(writeCalibrationTable(path_, sample()).isOk());
  std::string bin = read(path_ + ".bin");
  // Truncated.
  write(path_ + ".bin", bin.substr(0, bin.size() - 64));
  EXPECT_NE(readError().find("truncated"), std::string::npos);
  // One flipped byte.
  std::string flipped = bin;
  flipped[200] ^= 1;
  write(path_ + ".bin", flipped);
  EXPECT_NE(readError().find("checksum mismatch"), std::string::npos);
  // Missing.
  std::remove((path_ + ".bin").c_str());
  EXPECT_NE(readError().find("sidecar: cannot open"), std::string::npos);
}

TEST_F(TableTest, NaNAndBadReferences) {
  ASSERT_TRUE(writeCalibrationTable(path_, sample()).isOk());
  std::string json = read(path_), bin = read(path_ + ".bin");
  // A NaN in a sidecar array (with a matching checksum) names the array.
  size_t at = json.find("\"channel_absmax\": {\"offset\": ");
  ASSERT_NE(at, std::string::npos);
  long offset = std::atol(json.c_str() + at + 29);
  float nan = NAN;
  std::string edited = bin;
  std::memcpy(&edited[offset + 4], &nan, 4);
  write(path_ + ".bin", edited);
  rehash();
  std::string message = readError();
  EXPECT_NE(message.find("\"channel_absmax\": element 1 is NaN"),
            std::string::npos)
      << message;
  // NaN in the JSON is not JSON.
  write(path_ + ".bin", bin);
  write(path_, json);
  editJson("\"min\": -1.5", "\"min\": NaN");
  EXPECT_NE(readError().find("NaN and Infinity are not JSON"),
            std::string::npos);
  // An offset past the end / misaligned.
  write(path_, json);
  std::string offsetText = "\"offset\": " + std::to_string(offset);
  editJson(offsetText, "\"offset\": 6400000");
  EXPECT_NE(readError().find("run past the end"), std::string::npos);
  write(path_, json);
  editJson(offsetText, "\"offset\": " + std::to_string(offset + 4));
  EXPECT_NE(readError().find("64-byte aligned"), std::string::npos);
  // Negative counts.
  write(path_, json);
  editJson("\"sample_count\": 32", "\"sample_count\": -1");
  EXPECT_NE(readError().find("\"sample_count\" is negative"),
            std::string::npos);
  // Wrong dtype for the array.
  write(path_, json);
  editJson("\"dtype\": \"f64\"", "\"dtype\": \"f32\"");
  EXPECT_NE(readError().find("dtype must be \"f64\""), std::string::npos);
}

TEST_F(TableTest, WriterRejectsBadTables) {
  CalibrationTable table = sample();
  table.tensors[1].max = NAN;
  Status s = writeCalibrationTable(path_, table);
  ASSERT_TRUE(s.failed());
  EXPECT_NE(s.message().find("tensor 'logits' has a non-finite statistic"),
            std::string::npos);
  struct stat st;
  EXPECT_NE(stat(path_.c_str(), &st), 0); // Nothing written.
  EXPECT_NE(stat((path_ + ".bin").c_str(), &st), 0);
  table = sample();
  table.tensors[1].name = table.tensors[0].name;
  EXPECT_NE(writeCalibrationTable(path_, table).message().find("appears twice"),
            std::string::npos);
  table = sample();
  table.tensors[0].gramK = 4;
  EXPECT_NE(writeCalibrationTable(path_, table).message().find("not K x K"),
            std::string::npos);
  EXPECT_TRUE(
      writeCalibrationTable(dir_ + "/no/such/dir/t.json", sample()).failed());
}
