//===- Encoders.cpp - RTN / int8 encoders, packing, SQNR ------------------===//

#include "QuantOpt/Quant/Encoders.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

using namespace qopt::quant;

float qopt::quant::roundHalfToEven(float x) { return std::nearbyint(x); }

int32_t qopt::quant::quantizeValue(float x, float scale, int32_t zeroPoint,
                                   int32_t qmin, int32_t qmax) {
  if (std::isnan(x))
    return std::clamp(zeroPoint, qmin, qmax);
  double q = double(roundHalfToEven(x / scale)) + double(zeroPoint);
  return static_cast<int32_t>(std::clamp(q, double(qmin), double(qmax)));
}

static Status checkFinite(Span<float> values, const char *what) {
  for (size_t i = 0; i < values.size(); ++i)
    if (!std::isfinite(values[i]))
      return Status::error(std::string(what) + ": element " +
                           std::to_string(i) + " is not finite");
  return Status::ok();
}

//===----------------------------------------------------------------------===//
// RTN
//===----------------------------------------------------------------------===//

RtnGroupParams qopt::quant::rtnGroupParams(float lo, float hi, int bits,
                                           bool symmetric) {
  lo = std::min(lo, 0.0f);
  hi = std::max(hi, 0.0f);
  const int32_t qmax = (1 << bits) - 1;
  const int32_t half = 1 << (bits - 1);
  RtnGroupParams params;
  if (symmetric) {
    float absMax = std::max(-lo, hi);
    params.scale = absMax > 0.0f ? absMax / float(half - 1) : 1.0f;
    params.zeroPoint = half;
  } else {
    params.scale = hi > lo ? (hi - lo) / float(qmax) : 1.0f;
    params.zeroPoint = std::clamp<int32_t>(
        static_cast<int32_t>(roundHalfToEven(-lo / params.scale)), 0, qmax);
  }
  return params;
}

namespace {
/// Checked RTN layout: effective group, groups per row.
struct RtnLayout {
  int64_t group = 0, numGroups = 0;
  bool perTensor = false;
};
} // namespace

static Status checkRtn(Span<float> weight, int64_t n, int64_t k,
                       const RtnOptions &options, RtnLayout &layout) {
  const int bits = options.bits;
  if (bits != 2 && bits != 3 && bits != 4 && bits != 8)
    return Status::error("RTN: bits must be 2, 3, 4 or 8, got " +
                         std::to_string(bits));
  if (n < 1 || k < 1 || static_cast<int64_t>(weight.size()) != n * k)
    return Status::error("RTN: weight of " + std::to_string(weight.size()) +
                         " values does not match [" + std::to_string(n) + ", " +
                         std::to_string(k) + "]");
  if (options.groupSize < -1)
    return Status::error("RTN: group size must be -1, 0 or positive, got " +
                         std::to_string(options.groupSize));
  if (Status s = checkFinite(weight, "RTN weight"); s.failed())
    return s;
  layout.perTensor = options.groupSize == -1;
  layout.group =
      options.groupSize <= 0 ? k : std::min<int64_t>(options.groupSize, k);
  layout.numGroups = (k + layout.group - 1) / layout.group;
  return Status::ok();
}

Status qopt::quant::rtnGroupRanges(Span<float> weight, int64_t n, int64_t k,
                                   const RtnOptions &options,
                                   std::vector<float> &lo,
                                   std::vector<float> &hi) {
  RtnLayout layout;
  if (Status s = checkRtn(weight, n, k, options, layout); s.failed())
    return s;
  const int64_t numGroups = layout.numGroups, group = layout.group;
  lo.assign(n * numGroups, 0.0f);
  hi.assign(n * numGroups, 0.0f);
  if (layout.perTensor) {
    float tensorLo = 0.0f, tensorHi = 0.0f;
    for (float v : weight) {
      tensorLo = std::min(tensorLo, v);
      tensorHi = std::max(tensorHi, v);
    }
    std::fill(lo.begin(), lo.end(), tensorLo);
    std::fill(hi.begin(), hi.end(), tensorHi);
    return Status::ok();
  }
  for (int64_t row = 0; row < n; ++row)
    for (int64_t g = 0; g < numGroups; ++g) {
      const int64_t begin = g * group, end = std::min(k, begin + group);
      const float *w = weight.data() + row * k;
      float l = 0.0f, h = 0.0f;
      for (int64_t c = begin; c < end; ++c) {
        l = std::min(l, w[c]);
        h = std::max(h, w[c]);
      }
      lo[row * numGroups + g] = l;
      hi[row * numGroups + g] = h;
    }
  return Status::ok();
}

Status qopt::quant::quantizeRtn(Span<float> weight, int64_t n, int64_t k,
                                const RtnOptions &options, RtnWeight &out) {
  std::vector<float> lo, hi;
  if (Status s = rtnGroupRanges(weight, n, k, options, lo, hi); s.failed())
    return s;
  return quantizeRtnWithRanges(weight, n, k, options, lo, hi, out);
}

Status qopt::quant::quantizeRtnWithRanges(Span<float> weight, int64_t n,
                                          int64_t k, const RtnOptions &options,
                                          Span<float> lo, Span<float> hi,
                                          RtnWeight &out) {
  RtnLayout layout;
  if (Status s = checkRtn(weight, n, k, options, layout); s.failed())
    return s;
  const int bits = options.bits;
  const int64_t group = layout.group, numGroups = layout.numGroups;
  if ((int64_t)lo.size() != n * numGroups || (int64_t)hi.size() != n * numGroups)
    return Status::error("RTN: ranges of " + std::to_string(lo.size()) +
                         " and " + std::to_string(hi.size()) +
                         " entries do not match [" + std::to_string(n) + ", " +
                         std::to_string(numGroups) + "] groups");
  for (int64_t i = 0; i < n * numGroups; ++i)
    if (!std::isfinite(lo[i]) || !std::isfinite(hi[i]) || lo[i] > hi[i])
      return Status::error("RTN: range of group [" +
                           std::to_string(i / numGroups) + ", " +
                           std::to_string(i % numGroups) +
                           "] is not finite or has lo > hi");
  const int32_t qmax = (1 << bits) - 1;

  RtnWeight result;
  result.n = n;
  result.k = k;
  result.bits = bits;
  result.groupSize = group;
  result.numGroups = numGroups;
  result.symmetric = options.symmetric;
  result.codes.resize(n * k);
  result.scales.resize(n * numGroups);
  result.zeroPoints.resize(n * numGroups);

  for (int64_t row = 0; row < n; ++row)
    for (int64_t g = 0; g < numGroups; ++g) {
      const int64_t begin = g * group, end = std::min(k, begin + group);
      const float *w = weight.data() + row * k;
      const float clampLo = lo[row * numGroups + g];
      const float clampHi = hi[row * numGroups + g];
      RtnGroupParams params =
          rtnGroupParams(clampLo, clampHi, bits, options.symmetric);
      const float scale = params.scale;
      const int32_t zp = params.zeroPoint;
      result.scales[row * numGroups + g] = scale;
      result.zeroPoints[row * numGroups + g] = static_cast<uint8_t>(zp);
      for (int64_t c = begin; c < end; ++c)
        result.codes[row * k + c] = static_cast<uint8_t>(quantizeValue(
            std::clamp(w[c], clampLo, clampHi), scale, zp, 0, qmax));
    }
  out = std::move(result);
  return Status::ok();
}

std::vector<float> qopt::quant::dequantizeRtn(const RtnWeight &weight) {
  std::vector<float> w(weight.n * weight.k);
  for (int64_t row = 0; row < weight.n; ++row)
    for (int64_t c = 0; c < weight.k; ++c) {
      int64_t g = row * weight.numGroups + c / weight.groupSize;
      w[row * weight.k + c] = float(int32_t(weight.codes[row * weight.k + c]) -
                                    int32_t(weight.zeroPoints[g])) *
                              weight.scales[g];
    }
  return w;
}

static int storageBits(int bits) { return bits == 3 ? 4 : bits; }

int64_t qopt::quant::packedRowBytes(int64_t k, int bits) {
  return (k * storageBits(bits) + 7) / 8;
}

static Status checkPacking(int64_t n, int64_t k, int bits) {
  if (bits != 2 && bits != 3 && bits != 4 && bits != 8)
    return Status::error("packing: bits must be 2, 3, 4 or 8, got " +
                         std::to_string(bits));
  if (n < 0 || k < 0)
    return Status::error("packing: negative shape");
  return Status::ok();
}

Status qopt::quant::packCodes(Span<uint8_t> codes, int64_t n, int64_t k,
                              int bits, std::vector<uint8_t> &packed) {
  if (Status s = checkPacking(n, k, bits); s.failed())
    return s;
  if (static_cast<int64_t>(codes.size()) != n * k)
    return Status::error("packing: " + std::to_string(codes.size()) +
                         " codes do not match [" + std::to_string(n) + ", " +
                         std::to_string(k) + "]");
  const int sb = storageBits(bits);
  const int64_t rowBytes = packedRowBytes(k, bits);
  std::vector<uint8_t> result(n * rowBytes, 0);
  for (int64_t row = 0; row < n; ++row)
    for (int64_t c = 0; c < k; ++c) {
      uint8_t code = codes[row * k + c];
      if (code >> bits)
        return Status::error("packing: code " + std::to_string(code) + " at [" +
                             std::to_string(row) + ", " + std::to_string(c) +
                             "] does not fit in " + std::to_string(bits) +
                             " bits");
      int64_t bit = c * sb;
      result[row * rowBytes + bit / 8] |= uint8_t(code << (bit % 8));
    }
  packed = std::move(result);
  return Status::ok();
}

Status qopt::quant::unpackCodes(Span<uint8_t> packed, int64_t n, int64_t k,
                                int bits, std::vector<uint8_t> &codes) {
  if (Status s = checkPacking(n, k, bits); s.failed())
    return s;
  const int sb = storageBits(bits);
  const int64_t rowBytes = packedRowBytes(k, bits);
  if (static_cast<int64_t>(packed.size()) != n * rowBytes)
    return Status::error("unpacking: " + std::to_string(packed.size()) +
                         " bytes, expected " + std::to_string(n * rowBytes));
  std::vector<uint8_t> result(n * k);
  const uint8_t mask = uint8_t((1u << sb) - 1);
  for (int64_t row = 0; row < n; ++row)
    for (int64_t c = 0; c < k; ++c) {
      int64_t bit = c * sb;
      result[row * k + c] =
          uint8_t(packed[row * rowBytes + bit / 8] >> (bit % 8)) & mask;
    }
  codes = std::move(result);
  return Status::ok();
}

//===----------------------------------------------------------------------===//
// W8A8
//===----------------------------------------------------------------------===//

Status qopt::quant::quantizeInt8PerChannel(Span<float> weight, int64_t rows,
                                           int64_t cols, int axis,
                                           Int8Weight &out) {
  if (axis != 0 && axis != 1)
    return Status::error("int8 weight: axis must be 0 or 1, got " +
                         std::to_string(axis));
  if (rows < 1 || cols < 1 ||
      static_cast<int64_t>(weight.size()) != rows * cols)
    return Status::error("int8 weight: " + std::to_string(weight.size()) +
                         " values do not match [" + std::to_string(rows) +
                         ", " + std::to_string(cols) + "]");
  if (Status s = checkFinite(weight, "int8 weight"); s.failed())
    return s;
  Int8Weight result;
  result.rows = rows;
  result.cols = cols;
  result.axis = axis;
  const int64_t channels = axis == 1 ? cols : rows;
  std::vector<float> absMax(channels, 0.0f);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) {
      float &m = absMax[axis == 1 ? c : r];
      m = std::max(m, std::fabs(weight[r * cols + c]));
    }
  result.scales.resize(channels);
  for (int64_t ch = 0; ch < channels; ++ch)
    result.scales[ch] = absMax[ch] > 0.0f ? absMax[ch] / 127.0f : 1.0f;
  result.codes.resize(rows * cols);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      result.codes[r * cols + c] = static_cast<int8_t>(
          quantizeValue(weight[r * cols + c], result.scales[axis == 1 ? c : r],
                        0, -127, 127));
  out = std::move(result);
  return Status::ok();
}

std::vector<float> qopt::quant::dequantizeInt8(const Int8Weight &weight) {
  std::vector<float> w(weight.rows * weight.cols);
  for (int64_t r = 0; r < weight.rows; ++r)
    for (int64_t c = 0; c < weight.cols; ++c)
      w[r * weight.cols + c] = float(weight.codes[r * weight.cols + c]) *
                               weight.scales[weight.axis == 1 ? c : r];
  return w;
}

Status qopt::quant::activationParamsUint8(float min, float max,
                                          ActivationParams &out) {
  if (!std::isfinite(min) || !std::isfinite(max) || min > max)
    return Status::error("activation range [" + std::to_string(min) + ", " +
                         std::to_string(max) + "] is not a finite interval");
  min = std::min(min, 0.0f);
  max = std::max(max, 0.0f);
  ActivationParams params;
  params.isUnsigned = true;
  if (max > min) {
    params.scale = (max - min) / 255.0f;
    params.zeroPoint = std::clamp<int32_t>(
        static_cast<int32_t>(roundHalfToEven(-min / params.scale)), 0, 255);
  } else {
    params.scale = 1.0f;
    params.zeroPoint = 0;
  }
  out = params;
  return Status::ok();
}

Status qopt::quant::activationParamsInt8(float threshold,
                                         ActivationParams &out) {
  if (!std::isfinite(threshold) || threshold < 0.0f)
    return Status::error("activation threshold " + std::to_string(threshold) +
                         " is not a finite non-negative number");
  ActivationParams params;
  params.isUnsigned = false;
  params.zeroPoint = 0;
  params.scale = threshold > 0.0f ? threshold / 127.0f : 1.0f;
  out = params;
  return Status::ok();
}

std::vector<int32_t>
qopt::quant::quantizeActivation(Span<float> x, const ActivationParams &params) {
  std::vector<int32_t> q(x.size());
  for (size_t i = 0; i < x.size(); ++i)
    q[i] = quantizeValue(x[i], params.scale, params.zeroPoint, params.qmin(),
                         params.qmax());
  return q;
}

std::vector<float>
qopt::quant::dequantizeActivation(Span<int32_t> q,
                                  const ActivationParams &params) {
  std::vector<float> x(q.size());
  for (size_t i = 0; i < q.size(); ++i)
    x[i] = float(q[i] - params.zeroPoint) * params.scale;
  return x;
}

double qopt::quant::sqnrDb(Span<float> reference, Span<float> reconstruction) {
  if (reference.size() != reconstruction.size())
    return std::numeric_limits<double>::quiet_NaN();
  double signal = 0.0, noise = 0.0;
  for (size_t i = 0; i < reference.size(); ++i) {
    double x = reference[i], y = reconstruction[i];
    if (!std::isfinite(x) || !std::isfinite(y))
      return std::numeric_limits<double>::quiet_NaN();
    signal += x * x;
    noise += (x - y) * (x - y);
  }
  if (noise == 0.0)
    return std::numeric_limits<double>::infinity();
  if (signal == 0.0)
    return -std::numeric_limits<double>::infinity();
  return 10.0 * std::log10(signal / noise);
}

static double ratioDb(double signal, double noise) {
  if (std::isnan(signal) || std::isnan(noise))
    return std::numeric_limits<double>::quiet_NaN();
  if (noise == 0.0)
    return std::numeric_limits<double>::infinity();
  if (signal == 0.0)
    return -std::numeric_limits<double>::infinity();
  return 10.0 * std::log10(signal / noise);
}

double qopt::quant::layerOutputSqnrDb(Span<float> rows, int64_t numRows,
                                      int64_t k, Span<float> weight,
                                      Span<float> weightRecon, int64_t n,
                                      Span<ActivationParams> activation) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (activation.size() > 1 && (int64_t)activation.size() != numRows)
    return nan;
  if (numRows < 0 || k <= 0 || n <= 0 ||
      (int64_t)rows.size() != numRows * k ||
      (int64_t)weight.size() != k * n || (int64_t)weightRecon.size() != k * n)
    return nan;
  std::vector<double> x(k), xq(k), y(n), yq(n);
  double signal = 0.0, noise = 0.0;
  for (int64_t r = 0; r < numRows; ++r) {
    const ActivationParams *act =
        activation.empty() ? nullptr
                           : &activation[activation.size() == 1 ? 0 : r];
    for (int64_t i = 0; i < k; ++i) {
      float v = rows[r * k + i];
      if (!std::isfinite(v))
        return nan;
      x[i] = v;
      if (act) {
        int32_t q = quantizeValue(v, act->scale, act->zeroPoint, act->qmin(),
                                  act->qmax());
        xq[i] = (double)(q - act->zeroPoint) * act->scale;
      } else {
        xq[i] = v;
      }
    }
    std::fill(y.begin(), y.end(), 0.0);
    std::fill(yq.begin(), yq.end(), 0.0);
    for (int64_t i = 0; i < k; ++i) {
      const float *w = weight.data() + i * n;
      const float *wr = weightRecon.data() + i * n;
      for (int64_t j = 0; j < n; ++j) {
        y[j] += x[i] * w[j];
        yq[j] += xq[i] * wr[j];
      }
    }
    for (int64_t j = 0; j < n; ++j) {
      signal += y[j] * y[j];
      noise += (y[j] - yq[j]) * (y[j] - yq[j]);
    }
  }
  if (!std::isfinite(signal) || !std::isfinite(noise))
    return nan;
  return ratioDb(signal, noise);
}

double qopt::quant::layerOutputSqnrDbFromGram(Span<double> gram, int64_t k,
                                              Span<float> weight,
                                              Span<float> weightRecon,
                                              int64_t n) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (k <= 0 || n <= 0 || (int64_t)gram.size() != k * k ||
      (int64_t)weight.size() != k * n || (int64_t)weightRecon.size() != k * n)
    return nan;
  // tr(Aᵀ G A) = sum_j a_jᵀ G a_j over the columns a_j of A.
  double signal = 0.0, noise = 0.0;
  std::vector<double> w(k), e(k);
  for (int64_t j = 0; j < n; ++j) {
    for (int64_t i = 0; i < k; ++i) {
      w[i] = weight[i * n + j];
      e[i] = w[i] - (double)weightRecon[i * n + j];
    }
    for (int64_t a = 0; a < k; ++a) {
      const double *g = gram.data() + a * k;
      double gw = 0.0, ge = 0.0;
      for (int64_t b = 0; b < k; ++b) {
        gw += g[b] * w[b];
        ge += g[b] * e[b];
      }
      signal += w[a] * gw;
      noise += e[a] * ge;
    }
  }
  if (!std::isfinite(signal) || !std::isfinite(noise))
    return nan;
  return ratioDb(signal, std::max(noise, 0.0));
}
