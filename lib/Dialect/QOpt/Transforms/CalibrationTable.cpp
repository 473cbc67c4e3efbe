//===- CalibrationTable.cpp - calibration statistics for the passes -------===//

#include "CalibrationTable.h"

#include "QuantOpt/Quant/CalibrationTable.h"
#include "QuantOpt/Quant/Calibrators.h"

#include <algorithm>
#include <cmath>

using namespace llvm;
namespace q = qopt::quant;

namespace quant_opt::qopt {

struct TensorStats::Accumulators {
  q::MinMaxObserver minMax;
  q::MovingAverageMinMaxObserver moving{0.01f};
  q::Histogram histogram;
  std::optional<q::ChannelAbsStats> channels;
  q::ChannelAxis axis;
  std::optional<q::GramAccumulator> gram;
  std::optional<q::Reservoir> reservoir;
};

TensorStats::TensorStats() = default;
TensorStats::~TensorStats() = default;
TensorStats::TensorStats(TensorStats &&) = default;
TensorStats &TensorStats::operator=(TensorStats &&) = default;

LogicalResult TensorStats::add(const float *data, ArrayRef<int64_t> shape,
                               int64_t axis, const CollectOptions &options,
                               std::string &error) {
  if (!acc)
    acc = std::make_unique<Accumulators>();
  size_t n = 1;
  for (int64_t d : shape)
    n *= d;
  q::Span<float> batch(data, n);
  auto check = [&](const q::Status &status) {
    if (status.failed())
      error = status.message();
    return status.isOk();
  };
  if (!check(acc->minMax.observe(batch)) || !check(acc->moving.observe(batch)))
    return failure();
  acc->histogram.observe(batch);
  if (axis >= 0 && n > 0) {
    std::vector<int64_t> dims(shape.begin(), shape.end());
    q::ChannelAxis layout;
    if (!check(q::ChannelAxis::fromShape(q::Span<int64_t>(dims), axis,
                                         layout)))
      return failure();
    if (!acc->channels) {
      acc->channels.emplace(layout);
      acc->axis = layout;
      channelAxis = axis;
      if (layout.inner == 1 && options.gram)
        acc->gram.emplace(layout.numChannels);
      if (layout.inner == 1 && options.reservoirRows > 0)
        acc->reservoir.emplace(options.reservoirRows, layout.numChannels);
    } else if (acc->axis.numChannels != layout.numChannels ||
               acc->axis.inner != layout.inner) {
      error = "the channel layout changed between samples (" +
              std::to_string(acc->axis.numChannels) + " x " +
              std::to_string(acc->axis.inner) + ", now " +
              std::to_string(layout.numChannels) + " x " +
              std::to_string(layout.inner) + ")";
      return failure();
    }
    if (!check(acc->channels->observe(batch)))
      return failure();
    if (acc->gram && !check(acc->gram->observe(batch)))
      return failure();
    if (acc->reservoir && !check(acc->reservoir->observe(batch)))
      return failure();
  }
  if (!acc->minMax.hasData())
    return success();
  // Results as of now (cheap except the thresholds, computed on write).
  min = acc->minMax.min()[0];
  max = acc->minMax.max()[0];
  emaMin = acc->moving.min()[0];
  emaMax = acc->moving.max()[0];
  absMax = std::max(std::fabs(min), std::fabs(max));
  return success();
}

static q::TensorCalibration toQuant(const std::string &name,
                                    const TensorStats &s) {
  q::TensorCalibration t;
  t.name = name;
  t.min = float(s.min);
  t.max = float(s.max);
  t.movingMin = float(s.emaMin);
  t.movingMax = float(s.emaMax);
  t.momentum = 0.01f;
  t.absMax = float(s.absMax);
  if (s.acc) {
    const q::Histogram &h = s.acc->histogram;
    if (h.total() > 0) {
      t.percentile = s.percentile;
      t.percentileThreshold = q::percentileThreshold(h, s.percentile);
      t.klThreshold = q::klThreshold(h);
      t.mseThreshold = q::mseThreshold(h);
      t.histogram = h.counts();
      t.histogramRange = h.range();
    }
    if (s.acc->channels) {
      t.channelAxis = s.channelAxis;
      t.channelAbsMax = s.acc->channels->absMax();
      t.channelMeanAbs = s.acc->channels->meanAbs();
    }
    if (s.acc->gram) {
      t.gram = s.acc->gram->matrix();
      t.gramK = s.acc->gram->k();
      t.gramRows = s.acc->gram->numRows();
    }
    if (s.acc->reservoir) {
      t.reservoir = s.acc->reservoir->rows();
      t.reservoirRowSize = s.acc->reservoir->rowSize();
      t.reservoirSeen = s.acc->reservoir->numSeen();
    }
  } else {
    t.percentile = s.percentile;
    t.percentileThreshold = float(s.percentileThreshold);
    t.klThreshold = float(s.klThreshold);
    t.mseThreshold = float(s.mseThreshold);
    if (s.channelAxis >= 0) {
      t.channelAxis = s.channelAxis;
      t.channelAbsMax = s.channelAbsMax;
      t.channelMeanAbs = s.channelMeanAbs;
    }
  }
  return t;
}

LogicalResult CalibrationTable::write(StringRef path,
                                      std::string &error) const {
  q::CalibrationTable table;
  table.fingerprint = fingerprint;
  table.sampleCount = samples;
  for (const auto &[name, stats] : tensors)
    table.tensors.push_back(toQuant(name, stats));
  q::Status status = q::writeCalibrationTable(path.str(), table);
  if (status.failed()) {
    error = status.message();
    return failure();
  }
  return success();
}

std::optional<CalibrationTable> CalibrationTable::read(StringRef path,
                                                       std::string &error) {
  q::CalibrationTable table;
  q::Status status = q::readCalibrationTable(path.str(), "", table);
  if (status.failed()) {
    error = status.message();
    return std::nullopt;
  }
  CalibrationTable result;
  result.fingerprint = table.fingerprint;
  result.samples = table.sampleCount;
  for (const q::TensorCalibration &t : table.tensors) {
    TensorStats s;
    s.min = t.min.value_or(0);
    s.max = t.max.value_or(0);
    s.emaMin = t.movingMin.value_or(s.min);
    s.emaMax = t.movingMax.value_or(s.max);
    s.absMax = t.absMax.value_or(std::max(std::fabs(s.min), std::fabs(s.max)));
    s.percentile = t.percentile.value_or(99.99);
    s.percentileThreshold = t.percentileThreshold.value_or(s.absMax);
    s.klThreshold = t.klThreshold.value_or(s.absMax);
    s.mseThreshold = t.mseThreshold.value_or(s.absMax);
    s.channelAxis = t.channelAbsMax.empty() ? -1 : t.channelAxis;
    s.channelAbsMax = t.channelAbsMax;
    s.channelMeanAbs = t.channelMeanAbs;
    s.gramK = t.gramK;
    s.gramRows = t.gramRows;
    s.gram = t.gram;
    s.reservoirRows =
        t.reservoirRowSize ? int64_t(t.reservoir.size()) / t.reservoirRowSize
                           : 0;
    s.reservoir = t.reservoir;
    s.reservoirRowSize = t.reservoirRowSize;
    result.tensors.emplace(t.name, std::move(s));
  }
  return result;
}

} // namespace quant_opt::qopt
