//===- TensorCalibrator.cpp - All requested statistics of one tensor ------===//

#include "QuantOpt/Quant/TensorCalibrator.h"

#include <algorithm>
#include <cmath>

using namespace qopt::quant;

TensorCalibrator::TensorCalibrator(std::string name, CalibrationRequest request)
    : name_(std::move(name)), request_(request) {
  if (request_.percentile || request_.kl || request_.mse)
    request_.histogram = true;
  if (request_.minMax)
    minMax_ = std::make_unique<MinMaxObserver>();
  if (request_.movingAverage)
    moving_ = std::make_unique<MovingAverageMinMaxObserver>(request_.momentum);
  if (request_.histogram)
    histogram_ =
        std::make_unique<Histogram>(request_.numBins, request_.histogramRange);
}

TensorCalibrator::~TensorCalibrator() = default;
TensorCalibrator::TensorCalibrator(TensorCalibrator &&) noexcept = default;
TensorCalibrator &
TensorCalibrator::operator=(TensorCalibrator &&) noexcept = default;

Status TensorCalibrator::observe(Span<float> values, Span<int64_t> shape) {
  auto error = [&](const std::string &message) {
    return Status::error("tensor '" + name_ + "': " + message);
  };
  int64_t count = 1;
  for (int64_t d : shape) {
    if (d < 0)
      return error("negative dimension");
    count *= d;
  }
  if (count != static_cast<int64_t>(values.size()))
    return error(std::to_string(values.size()) +
                 " values do not match the shape's " + std::to_string(count));
  const bool needsK = request_.gram || request_.reservoirRows > 0;
  if (needsK || request_.channelStats) {
    if (shape.empty())
      return error("per-channel statistics, XᵀX and reservoirs need rank >= 1");
    ChannelAxis axis;
    if (request_.channelStats) {
      if (Status s = ChannelAxis::fromShape(shape, request_.channelAxis, axis);
          s.failed())
        return error(s.message());
      if (channels_ < 0) {
        channels_ = axis.numChannels;
        channelStats_ = std::make_unique<ChannelAbsStats>(axis);
      } else if (axis.numChannels != channels_) {
        return error("channel dimension changed from " +
                     std::to_string(channels_) + " to " +
                     std::to_string(axis.numChannels));
      }
    }
    int64_t k = shape[shape.size() - 1];
    if (needsK) {
      if (k < 1)
        return error("last dimension is 0");
      if (k_ < 0) {
        k_ = k;
        if (request_.gram)
          gram_ = std::make_unique<GramAccumulator>(k);
        if (request_.reservoirRows > 0)
          reservoir_ = std::make_unique<Reservoir>(request_.reservoirRows, k,
                                                   request_.reservoirSeed);
      } else if (k != k_) {
        return error("last dimension changed from " + std::to_string(k_) +
                     " to " + std::to_string(k));
      }
    }
  }
  auto wrap = [&](Status s) { return s.failed() ? error(s.message()) : s; };
  if (minMax_)
    if (Status s = wrap(minMax_->observe(values)); s.failed())
      return s;
  if (moving_)
    if (Status s = wrap(moving_->observe(values)); s.failed())
      return s;
  if (histogram_)
    histogram_->observe(values);
  if (channelStats_)
    if (Status s = wrap(channelStats_->observe(values)); s.failed())
      return s;
  if (gram_)
    if (Status s = wrap(gram_->observe(values)); s.failed())
      return s;
  if (reservoir_)
    if (Status s = wrap(reservoir_->observe(values)); s.failed())
      return s;
  ++numRuns_;
  return Status::ok();
}

Status TensorCalibrator::finish(TensorCalibration &out) const {
  TensorCalibration t;
  t.name = name_;
  if (minMax_) {
    if (!minMax_->hasData())
      return Status::error("tensor '" + name_ +
                           "': no finite value was observed");
    t.min = minMax_->min()[0];
    t.max = minMax_->max()[0];
    t.absMax = std::max(std::fabs(*t.min), std::fabs(*t.max));
  }
  if (moving_ && moving_->hasData()) {
    t.movingMin = moving_->min()[0];
    t.movingMax = moving_->max()[0];
    t.momentum = moving_->momentum();
  }
  if (histogram_) {
    if (histogram_->total() == 0)
      return Status::error("tensor '" + name_ +
                           "': no finite value was observed");
    t.histogram = histogram_->counts();
    t.histogramRange = histogram_->range();
    if (request_.percentile) {
      t.percentile = *request_.percentile;
      t.percentileThreshold =
          percentileThreshold(*histogram_, *request_.percentile);
    }
    if (request_.kl)
      t.klThreshold =
          klThreshold(*histogram_, int64_t(1) << (request_.klBits - 1));
    if (request_.mse)
      t.mseThreshold = mseThreshold(*histogram_, request_.mseBits);
  }
  if (channelStats_) {
    t.channelAxis = request_.channelAxis;
    t.channelAbsMax = channelStats_->absMax();
    t.channelMeanAbs = channelStats_->meanAbs();
  }
  if (gram_) {
    t.gramK = gram_->k();
    t.gramRows = gram_->numRows();
    t.gram = gram_->matrix();
  }
  if (reservoir_) {
    t.reservoirRowSize = reservoir_->rowSize();
    t.reservoirSeen = reservoir_->numSeen();
    t.reservoir = reservoir_->rows();
  }
  out = std::move(t);
  return Status::ok();
}

Status qopt::quant::parseCalibrationMethod(const std::string &text,
                                           CalibrationMethod &method) {
  if (text == "minmax")
    method = CalibrationMethod::MinMax;
  else if (text == "moving-average")
    method = CalibrationMethod::MovingAverage;
  else if (text == "percentile")
    method = CalibrationMethod::Percentile;
  else if (text == "entropy" || text == "kl")
    method = CalibrationMethod::Entropy;
  else if (text == "mse")
    method = CalibrationMethod::Mse;
  else
    return Status::error("unknown calibration method '" + text +
                         "' (expected minmax, moving-average, percentile, "
                         "entropy or mse)");
  return Status::ok();
}

const char *qopt::quant::calibrationMethodName(CalibrationMethod method) {
  switch (method) {
  case CalibrationMethod::MinMax:
    return "minmax";
  case CalibrationMethod::MovingAverage:
    return "moving-average";
  case CalibrationMethod::Percentile:
    return "percentile";
  case CalibrationMethod::Entropy:
    return "entropy";
  case CalibrationMethod::Mse:
    return "mse";
  }
  return "unknown";
}

void qopt::quant::requireStatistics(CalibrationMethod method,
                                    CalibrationRequest &request,
                                    double percentile) {
  request.minMax = true; // Asymmetric threshold methods clip min / max.
  switch (method) {
  case CalibrationMethod::MinMax:
    break;
  case CalibrationMethod::MovingAverage:
    request.movingAverage = true;
    break;
  case CalibrationMethod::Percentile:
    request.histogram = true;
    request.percentile = percentile;
    break;
  case CalibrationMethod::Entropy:
    request.histogram = true;
    request.kl = true;
    break;
  case CalibrationMethod::Mse:
    request.histogram = true;
    request.mse = true;
    break;
  }
}

Status qopt::quant::activationParamsFromCalibration(
    const TensorCalibration &entry, CalibrationMethod method, bool symmetric,
    ActivationParams &out) {
  auto missing = [&](const char *field) {
    return Status::error("tensor '" + entry.name + "' has no \"" + field +
                         "\" in the calibration table (needed by the " +
                         calibrationMethodName(method) +
                         " method; recalibrate with it)");
  };
  const std::optional<float> *threshold = nullptr;
  const char *thresholdField = nullptr;
  switch (method) {
  case CalibrationMethod::MinMax:
    if (!entry.min || !entry.max)
      return missing(entry.min ? "max" : "min");
    if (symmetric)
      return activationParamsInt8(
          std::max(std::fabs(*entry.min), std::fabs(*entry.max)), out);
    return activationParamsUint8(*entry.min, *entry.max, out);
  case CalibrationMethod::MovingAverage:
    if (!entry.movingMin || !entry.movingMax)
      return missing(entry.movingMin ? "moving_max" : "moving_min");
    if (symmetric)
      return activationParamsInt8(
          std::max(std::fabs(*entry.movingMin), std::fabs(*entry.movingMax)),
          out);
    return activationParamsUint8(*entry.movingMin, *entry.movingMax, out);
  case CalibrationMethod::Percentile:
    threshold = &entry.percentileThreshold;
    thresholdField = "percentile_threshold";
    break;
  case CalibrationMethod::Entropy:
    threshold = &entry.klThreshold;
    thresholdField = "kl_threshold";
    break;
  case CalibrationMethod::Mse:
    threshold = &entry.mseThreshold;
    thresholdField = "mse_threshold";
    break;
  }
  if (!*threshold)
    return missing(thresholdField);
  float t = **threshold;
  if (symmetric)
    return activationParamsInt8(t, out);
  if (!entry.min || !entry.max)
    return missing(entry.min ? "max" : "min");
  return activationParamsUint8(std::max(*entry.min, -t),
                               std::min(*entry.max, t), out);
}
