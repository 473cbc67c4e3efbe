//===- Calibrators.cpp - Streaming activation statistics ------------------===//

#include "QuantOpt/Quant/Calibrators.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

using namespace qopt::quant;

Status ChannelAxis::fromShape(Span<int64_t> shape, int64_t axis,
                              ChannelAxis &out) {
  int64_t rank = static_cast<int64_t>(shape.size());
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis >= rank)
    return Status::error("channel axis " + std::to_string(axis) +
                         " is out of range for rank " + std::to_string(rank));
  int64_t inner = 1;
  for (int64_t d = 0; d < rank; ++d) {
    if (shape[d] < 0)
      return Status::error("dimension " + std::to_string(d) + " is negative");
    if (d > axis)
      inner *= shape[d];
  }
  out = {shape[axis], inner};
  return Status::ok();
}

static Status checkBatch(size_t size, const ChannelAxis &axis,
                         const char *what) {
  int64_t slice = axis.sliceSize();
  if (slice <= 0)
    return Status::error(std::string(what) + ": empty channel layout");
  if (size % static_cast<size_t>(slice) != 0)
    return Status::error(std::string(what) + ": batch of " +
                         std::to_string(size) +
                         " values is not a multiple of channels x inner = " +
                         std::to_string(slice));
  return Status::ok();
}

//===----------------------------------------------------------------------===//
// MinMaxObserver
//===----------------------------------------------------------------------===//

MinMaxObserver::MinMaxObserver(ChannelAxis axis)
    : axis_(axis), min_(std::max<int64_t>(axis.numChannels, 0),
                        std::numeric_limits<float>::infinity()),
      max_(std::max<int64_t>(axis.numChannels, 0),
           -std::numeric_limits<float>::infinity()) {}

Status MinMaxObserver::observe(Span<float> batch) {
  if (Status s = checkBatch(batch.size(), axis_, "min/max"); s.failed())
    return s;
  const int64_t channels = axis_.numChannels, inner = axis_.inner;
  const float *p = batch.data();
  const size_t slices = batch.size() / axis_.sliceSize();
  for (size_t o = 0; o < slices; ++o)
    for (int64_t c = 0; c < channels; ++c) {
      float lo = min_[c], hi = max_[c];
      for (int64_t i = 0; i < inner; ++i) {
        float v = *p++;
        if (!std::isfinite(v)) {
          ++numNonFinite_;
          continue;
        }
        lo = std::min(lo, v);
        hi = std::max(hi, v);
        ++count_;
      }
      min_[c] = lo;
      max_[c] = hi;
    }
  return Status::ok();
}

//===----------------------------------------------------------------------===//
// MovingAverageMinMaxObserver
//===----------------------------------------------------------------------===//

MovingAverageMinMaxObserver::MovingAverageMinMaxObserver(float momentum,
                                                         ChannelAxis axis)
    : momentum_(momentum), axis_(axis),
      min_(std::max<int64_t>(axis.numChannels, 0), 0.0f),
      max_(std::max<int64_t>(axis.numChannels, 0), 0.0f),
      initialized_(std::max<int64_t>(axis.numChannels, 0), 0) {}

bool MovingAverageMinMaxObserver::hasData() const {
  return std::any_of(initialized_.begin(), initialized_.end(),
                     [](uint8_t v) { return v != 0; });
}

Status MovingAverageMinMaxObserver::observe(Span<float> batch) {
  if (!(momentum_ > 0.0f && momentum_ <= 1.0f))
    return Status::error("moving-average min/max: momentum " +
                         std::to_string(momentum_) + " is not in (0, 1]");
  MinMaxObserver batchObserver(axis_);
  if (Status s = batchObserver.observe(batch); s.failed())
    return s;
  numNonFinite_ += batchObserver.numNonFinite();
  ++numBatches_;
  for (int64_t c = 0; c < axis_.numChannels; ++c) {
    float lo = batchObserver.min()[c], hi = batchObserver.max()[c];
    if (!(lo <= hi))
      continue; // No finite value in this channel.
    if (!initialized_[c]) {
      min_[c] = lo;
      max_[c] = hi;
      initialized_[c] = 1;
    } else {
      min_[c] += momentum_ * (lo - min_[c]);
      max_[c] += momentum_ * (hi - max_[c]);
    }
  }
  return Status::ok();
}

//===----------------------------------------------------------------------===//
// Histogram
//===----------------------------------------------------------------------===//

Histogram::Histogram(int64_t numBins, float initialRange)
    : counts_(std::max<int64_t>(numBins, 1), 0),
      range_(initialRange > 0.0f && std::isfinite(initialRange) ? initialRange
                                                                : 0.0f) {}

Status Histogram::fromCounts(float range, std::vector<uint64_t> counts,
                             Histogram &out) {
  if (counts.empty())
    return Status::error("histogram has no bins");
  if (!std::isfinite(range) || range < 0.0f)
    return Status::error("histogram range " + std::to_string(range) +
                         " is not a finite non-negative number");
  Histogram h(static_cast<int64_t>(counts.size()), range);
  h.counts_ = std::move(counts);
  h.total_ = 0;
  for (uint64_t c : h.counts_)
    h.total_ += c;
  if (range == 0.0f) {
    for (size_t b = 1; b < h.counts_.size(); ++b)
      if (h.counts_[b])
        return Status::error("histogram of range 0 has counts above bin 0");
  }
  // The largest |x| is only known to bin resolution: take the upper edge of
  // the last non-empty bin.
  h.maxAbs_ = 0.0f;
  for (size_t b = h.counts_.size(); b-- > 0;)
    if (h.counts_[b]) {
      h.maxAbs_ = static_cast<float>(double(range) * double(b + 1) /
                                     double(h.counts_.size()));
      break;
    }
  out = std::move(h);
  return Status::ok();
}

void Histogram::grow(float newMax) {
  const int64_t bins = numBins();
  if (range_ == 0.0f) {
    // Everything so far is 0 and sits in bin 0 whatever the range.
    range_ = newMax;
    return;
  }
  double factor = std::ceil(double(newMax) / double(range_));
  int64_t f = static_cast<int64_t>(std::max(2.0, factor));
  // Guard float rounding: make sure the new range covers newMax.
  while (float(double(range_) * double(f)) < newMax)
    ++f;
  std::vector<uint64_t> merged(bins, 0);
  for (int64_t b = 0; b < bins; ++b)
    merged[b / f] += counts_[b];
  counts_ = std::move(merged);
  range_ = static_cast<float>(double(range_) * double(f));
}

void Histogram::observe(Span<float> batch) {
  float batchMax = 0.0f;
  for (float v : batch)
    if (std::isfinite(v))
      batchMax = std::max(batchMax, std::fabs(v));
  if (batchMax > range_)
    grow(batchMax);
  maxAbs_ = std::max(maxAbs_, batchMax);
  const int64_t bins = numBins();
  const double scale = range_ > 0.0f ? double(bins) / double(range_) : 0.0;
  uint64_t *counts = counts_.data();
  for (float v : batch) {
    if (!std::isfinite(v)) {
      ++numNonFinite_;
      continue;
    }
    int64_t b = static_cast<int64_t>(double(std::fabs(v)) * scale);
    counts[b < bins ? b : bins - 1]++;
    ++total_;
  }
}

Status Histogram::merge(const Histogram &other) {
  if (other.numBins() != numBins())
    return Status::error("cannot merge histograms of " +
                         std::to_string(numBins()) + " and " +
                         std::to_string(other.numBins()) + " bins");
  Histogram rhs = other;
  if (rhs.range_ > range_)
    grow(rhs.range_);
  if (range_ > rhs.range_ && rhs.total_ > 0) {
    if (rhs.range_ == 0.0f) {
      rhs.range_ = range_;
    } else {
      // Re-bin rhs into this range bin by bin (bin centres); exact when the
      // ranges are integer multiples, which growth from a common start gives.
      std::vector<uint64_t> rebinned(numBins(), 0);
      const double w = rhs.binWidth(), scale = double(numBins()) / range_;
      for (int64_t b = 0; b < numBins(); ++b) {
        int64_t t = static_cast<int64_t>((double(b) + 0.5) * w * scale);
        rebinned[std::min<int64_t>(t, numBins() - 1)] += rhs.counts_[b];
      }
      rhs.counts_ = std::move(rebinned);
    }
  }
  for (int64_t b = 0; b < numBins(); ++b)
    counts_[b] += rhs.counts_[b];
  total_ += rhs.total_;
  numNonFinite_ += rhs.numNonFinite_;
  maxAbs_ = std::max(maxAbs_, rhs.maxAbs_);
  return Status::ok();
}

float qopt::quant::percentileThreshold(const Histogram &histogram,
                                       double percentile) {
  if (histogram.total() == 0)
    return 0.0f;
  if (percentile >= 100.0)
    return histogram.maxAbs();
  percentile = std::max(percentile, 0.0);
  const double target = percentile / 100.0 * double(histogram.total());
  const std::vector<uint64_t> &counts = histogram.counts();
  double cumulative = 0.0;
  for (size_t b = 0; b < counts.size(); ++b) {
    double next = cumulative + double(counts[b]);
    if (next >= target && counts[b] > 0) {
      double frac = (target - cumulative) / double(counts[b]);
      double t = (double(b) + frac) * histogram.binWidth();
      return static_cast<float>(std::min<double>(t, histogram.maxAbs()));
    }
    cumulative = next;
  }
  return histogram.maxAbs();
}

namespace {
/// MXNet's _smooth_distribution: eps to zero entries, taken proportionally
/// from the non-zero ones. False when everything is zero.
bool smooth(std::vector<double> &p, double eps = 1e-4) {
  size_t zeros = 0;
  for (double v : p)
    zeros += v == 0.0;
  size_t nonZeros = p.size() - zeros;
  if (nonZeros == 0)
    return false;
  double eps1 = eps * double(zeros) / double(nonZeros);
  for (double &v : p)
    v += v == 0.0 ? eps : -eps1;
  return true;
}

/// scipy.stats.entropy(p, q): both normalized, sum p log(p / q).
double klDivergence(const std::vector<double> &p,
                    const std::vector<double> &q) {
  double sp = 0.0, sq = 0.0;
  for (size_t i = 0; i < p.size(); ++i) {
    sp += p[i];
    sq += q[i];
  }
  double kl = 0.0;
  for (size_t i = 0; i < p.size(); ++i) {
    double pi = p[i] / sp, qi = q[i] / sq;
    if (pi > 0.0) {
      if (!(qi > 0.0))
        return std::numeric_limits<double>::infinity();
      kl += pi * std::log(pi / qi);
    }
  }
  return kl;
}
} // namespace

float qopt::quant::klThreshold(const Histogram &histogram,
                               int64_t numQuantizedBins) {
  if (histogram.total() == 0)
    return 0.0f;
  const std::vector<uint64_t> &hist = histogram.counts();
  const int64_t bins = histogram.numBins();
  if (numQuantizedBins < 1)
    numQuantizedBins = 1;
  if (bins <= numQuantizedBins)
    return histogram.range();
  // Suffix sums give the outlier counts in O(1).
  std::vector<double> suffix(bins + 1, 0.0);
  for (int64_t b = bins; b-- > 0;)
    suffix[b] = suffix[b + 1] + double(hist[b]);

  double best = std::numeric_limits<double>::infinity();
  int64_t bestStop = bins;
  std::vector<double> p, q, quantized(numQuantizedBins);
  for (int64_t stop = numQuantizedBins; stop <= bins; ++stop) {
    p.assign(hist.begin(), hist.begin() + stop);
    p[stop - 1] += suffix[stop];
    const int64_t merged = stop / numQuantizedBins;
    for (int64_t j = 0; j < numQuantizedBins; ++j) {
      double sum = 0.0;
      for (int64_t b = j * merged; b < (j + 1) * merged; ++b)
        sum += double(hist[b]);
      quantized[j] = sum;
    }
    for (int64_t b = numQuantizedBins * merged; b < stop; ++b)
      quantized[numQuantizedBins - 1] += double(hist[b]);
    q.assign(stop, 0.0);
    for (int64_t j = 0; j < numQuantizedBins; ++j) {
      int64_t start = j * merged;
      int64_t end = j == numQuantizedBins - 1 ? stop : start + merged;
      int64_t norm = 0;
      for (int64_t b = start; b < end; ++b)
        norm += p[b] != 0.0;
      if (norm != 0)
        for (int64_t b = start; b < end; ++b)
          q[b] = quantized[j] / double(norm);
    }
    for (int64_t b = 0; b < stop; ++b)
      if (p[b] == 0.0)
        q[b] = 0.0;
    double divergence;
    if (!smooth(p) || !smooth(q))
      divergence = std::numeric_limits<double>::infinity();
    else
      divergence = klDivergence(p, q);
    if (divergence < best) {
      best = divergence;
      bestStop = stop;
    }
  }
  return static_cast<float>(double(bestStop) * histogram.binWidth());
}

double qopt::quant::histogramQuantizationMse(const Histogram &histogram,
                                             double threshold, int bits) {
  const std::vector<uint64_t> &counts = histogram.counts();
  const double w = histogram.binWidth();
  const double levels = double((int64_t(1) << (bits - 1)) - 1);
  const double step = threshold / levels;
  const double inRange = step * step / 12.0;
  double error = 0.0;
  for (size_t b = 0; b < counts.size(); ++b) {
    if (!counts[b])
      continue;
    double centre = (double(b) + 0.5) * w;
    double e = centre <= threshold
                   ? inRange
                   : (centre - threshold) * (centre - threshold);
    error += double(counts[b]) * e;
  }
  return histogram.total() ? error / double(histogram.total()) : 0.0;
}

float qopt::quant::mseThreshold(const Histogram &histogram, int bits) {
  if (histogram.total() == 0 || histogram.range() == 0.0f)
    return 0.0f;
  bits = std::clamp(bits, 2, 16);
  const std::vector<uint64_t> &counts = histogram.counts();
  const int64_t bins = histogram.numBins();
  const double w = histogram.binWidth();
  const double levels = double((int64_t(1) << (bits - 1)) - 1);
  // For T = i*w: bins below i contribute step^2/12 each (centres < T),
  // bins from i on contribute count*(c - T)^2 = S2 - 2 T S1 + T^2 S0 over the
  // suffix; suffix sums make the whole search O(bins).
  std::vector<double> s0(bins + 1, 0.0), s1(bins + 1, 0.0), s2(bins + 1, 0.0);
  for (int64_t b = bins; b-- > 0;) {
    double c = (double(b) + 0.5) * w, n = double(counts[b]);
    s0[b] = s0[b + 1] + n;
    s1[b] = s1[b + 1] + n * c;
    s2[b] = s2[b + 1] + n * c * c;
  }
  double best = std::numeric_limits<double>::infinity();
  int64_t bestI = bins;
  for (int64_t i = 1; i <= bins; ++i) {
    double t = double(i) * w, step = t / levels;
    double inside = (s0[0] - s0[i]) * step * step / 12.0;
    double outside = s2[i] - 2.0 * t * s1[i] + t * t * s0[i];
    double e = inside + std::max(outside, 0.0);
    if (e < best) {
      best = e;
      bestI = i;
    }
  }
  return static_cast<float>(double(bestI) * w);
}

//===----------------------------------------------------------------------===//
// ChannelAbsStats
//===----------------------------------------------------------------------===//

ChannelAbsStats::ChannelAbsStats(ChannelAxis axis)
    : axis_(axis), absMax_(std::max<int64_t>(axis.numChannels, 0), 0.0f),
      sumAbs_(std::max<int64_t>(axis.numChannels, 0), 0.0),
      counts_(std::max<int64_t>(axis.numChannels, 0), 0) {}

Status ChannelAbsStats::observe(Span<float> batch) {
  if (Status s = checkBatch(batch.size(), axis_, "channel absmax"); s.failed())
    return s;
  const int64_t channels = axis_.numChannels, inner = axis_.inner;
  const float *p = batch.data();
  const size_t slices = batch.size() / axis_.sliceSize();
  for (size_t o = 0; o < slices; ++o)
    for (int64_t c = 0; c < channels; ++c) {
      float m = absMax_[c];
      double sum = 0.0;
      int64_t n = 0;
      for (int64_t i = 0; i < inner; ++i) {
        float v = std::fabs(p[i]);
        if (!std::isfinite(v)) {
          ++numNonFinite_;
          continue;
        }
        m = std::max(m, v);
        sum += v;
        ++n;
      }
      p += inner;
      absMax_[c] = m;
      sumAbs_[c] += sum;
      counts_[c] += n;
    }
  return Status::ok();
}

std::vector<float> ChannelAbsStats::meanAbs() const {
  std::vector<float> mean(absMax_.size(), 0.0f);
  for (size_t c = 0; c < mean.size(); ++c)
    if (counts_[c])
      mean[c] = static_cast<float>(sumAbs_[c] / double(counts_[c]));
  return mean;
}

//===----------------------------------------------------------------------===//
// Reservoir
//===----------------------------------------------------------------------===//

Reservoir::Reservoir(int64_t capacity, int64_t rowSize, uint64_t seed)
    : capacity_(std::max<int64_t>(capacity, 1)),
      rowSize_(std::max<int64_t>(rowSize, 1)), state_(seed) {}

uint64_t Reservoir::next() {
  // splitmix64.
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

int64_t Reservoir::numKept() const {
  return static_cast<int64_t>(rows_.size()) / rowSize_;
}

Status Reservoir::observe(Span<float> batch) {
  if (batch.size() % static_cast<size_t>(rowSize_) != 0)
    return Status::error("reservoir: batch of " + std::to_string(batch.size()) +
                         " values is not a multiple of the row size " +
                         std::to_string(rowSize_));
  const size_t rows = batch.size() / rowSize_;
  for (size_t r = 0; r < rows; ++r) {
    const float *row = batch.data() + r * rowSize_;
    if (numSeen_ < capacity_) {
      rows_.insert(rows_.end(), row, row + rowSize_);
    } else {
      // Unbiased j in [0, numSeen_]: rejection sampling on 64-bit draws.
      uint64_t bound = static_cast<uint64_t>(numSeen_) + 1;
      uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
      uint64_t draw;
      do
        draw = next();
      while (draw >= limit);
      uint64_t j = draw % bound;
      if (j < static_cast<uint64_t>(capacity_))
        std::copy(row, row + rowSize_, rows_.begin() + j * rowSize_);
    }
    ++numSeen_;
  }
  return Status::ok();
}
