//===- TensorCalibrator.cpp - All requested statistics of one tensor ------===//

#include "QuantOpt/Quant/TensorCalibrator.h"

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
