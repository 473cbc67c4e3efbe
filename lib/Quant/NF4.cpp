//===- NF4.cpp - NormalFloat-4 weights with double quantization -----------===//

#include "QuantOpt/Quant/NF4.h"
#include "QuantOpt/Quant/Encoders.h"

#include <algorithm>
#include <cmath>
#include <string>

using namespace qopt::quant;

const std::array<float, 16> &qopt::quant::nf4Levels() {
  // bitsandbytes (functional.py, create_normal_map / the NF4 table in
  // csrc/kernels.cu), float32.
  static const std::array<float, 16> levels = {
      -1.0f,
      -0.6961928009986877f,
      -0.5250730514526367f,
      -0.39491748809814453f,
      -0.28444138169288635f,
      -0.18477343022823334f,
      -0.09105003625154495f,
      0.0f,
      0.07958029955625534f,
      0.16093020141124725f,
      0.24611230194568634f,
      0.33791524171829224f,
      0.44070982933044434f,
      0.5626170039176941f,
      0.7229568362236023f,
      1.0f};
  return levels;
}

double qopt::quant::normalQuantile(double p) {
  // Acklam's rational approximation ...
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                             -2.759285104469687e+02, 1.383577518672690e+02,
                             -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                             -1.556989798598866e+02, 6.680131188771972e+01,
                             -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                             -2.400758277161838e+00, -2.549732539343734e+00,
                             4.374664141464968e+00,  2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                             2.445134137142996e+00, 3.754408661907416e+00};
  if (!(p > 0.0 && p < 1.0))
    return std::nan("");
  const double low = 0.02425, high = 1 - low;
  double x;
  if (p < low) {
    double q = std::sqrt(-2 * std::log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= high) {
    double q = p - 0.5, r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) *
        q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    double q = std::sqrt(-2 * std::log(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  // ... refined by Halley steps on Phi(x) - p.
  for (int i = 0; i < 2; ++i) {
    double e = 0.5 * std::erfc(-x / std::sqrt(2.0)) - p;
    double u = e * std::sqrt(2 * M_PI) * std::exp(x * x / 2);
    x = x - u / (1 + x * u / 2);
  }
  return x;
}

std::array<double, 16> qopt::quant::nf4LevelsFromNormalQuantiles() {
  const double offset = 0.9677083;
  std::array<double, 16> v{};
  // Negative side: -Phi^-1(linspace(offset, 0.5, 8))[:-1], 7 values.
  for (int i = 0; i < 7; ++i) {
    double p = offset + (0.5 - offset) * i / 7.0;
    v[i] = -normalQuantile(p);
  }
  v[7] = 0.0;
  // Positive side: Phi^-1(linspace(offset, 0.5, 9))[:-1], 8 values.
  for (int i = 0; i < 8; ++i) {
    double p = offset + (0.5 - offset) * i / 8.0;
    v[15 - i] = normalQuantile(p);
  }
  double max = 0;
  for (double x : v)
    max = std::max(max, std::fabs(x));
  for (double &x : v)
    x /= max;
  return v;
}

uint8_t qopt::quant::nf4Encode(float x) {
  const std::array<float, 16> &levels = nf4Levels();
  if (std::isnan(x))
    return 7;
  // Upper level when strictly above the midpoint (bitsandbytes'
  // dQuantizeNF4 compares with `>`).
  uint8_t code = 0;
  for (int i = 0; i < 15; ++i) {
    float mid = 0.5f * (levels[i] + levels[i + 1]);
    if (x > mid)
      code = uint8_t(i + 1);
    else
      break;
  }
  return code;
}

static Status checkFiniteValues(Span<float> values, const char *what) {
  for (size_t i = 0; i < values.size(); ++i)
    if (!std::isfinite(values[i]))
      return Status::error(std::string(what) + ": element " +
                           std::to_string(i) + " is not finite");
  return Status::ok();
}

Status qopt::quant::doubleQuantize(Span<float> values, int64_t blockSize,
                                   DoubleQuantized &out) {
  if (blockSize < 1)
    return Status::error("double quantization: block size must be >= 1, got " +
                         std::to_string(blockSize));
  if (Status s = checkFiniteValues(values, "double quantization"); s.failed())
    return s;
  DoubleQuantized result;
  result.blockSize = blockSize;
  const int64_t size = static_cast<int64_t>(values.size());
  double sum = 0;
  for (float v : values)
    sum += v;
  result.offset = size ? static_cast<float>(sum / double(size)) : 0.0f;
  const int64_t blocks = (size + blockSize - 1) / blockSize;
  result.codes.resize(size);
  result.scales.resize(blocks);
  for (int64_t b = 0; b < blocks; ++b) {
    const int64_t begin = b * blockSize,
                  end = std::min(size, begin + blockSize);
    float max = 0;
    for (int64_t i = begin; i < end; ++i)
      max = std::max(max, std::fabs(values[i] - result.offset));
    const float scale = max > 0 ? max / 127.0f : 1.0f;
    result.scales[b] = scale;
    for (int64_t i = begin; i < end; ++i)
      result.codes[i] = static_cast<int8_t>(
          quantizeValue(values[i] - result.offset, scale, 0, -127, 127));
  }
  out = std::move(result);
  return Status::ok();
}

std::vector<float> qopt::quant::dequantizeDoubleQuant(const DoubleQuantized &dq) {
  std::vector<float> values(dq.codes.size());
  for (size_t i = 0; i < values.size(); ++i)
    values[i] = float(dq.codes[i]) * dq.scales[i / dq.blockSize] + dq.offset;
  return values;
}

std::vector<float> Nf4Weight::effectiveAbsmax() const {
  return doubleQuant ? dequantizeDoubleQuant(absmaxDq) : absmax;
}

Status qopt::quant::quantizeNf4(Span<float> weight, int64_t n, int64_t k,
                                const Nf4Options &options, Nf4Weight &out) {
  if (options.blockSize < 1)
    return Status::error("NF4: block size must be >= 1, got " +
                         std::to_string(options.blockSize));
  if (n < 1 || k < 1 || static_cast<int64_t>(weight.size()) != n * k)
    return Status::error("NF4: weight of " + std::to_string(weight.size()) +
                         " values does not match [" + std::to_string(n) + ", " +
                         std::to_string(k) + "]");
  if (Status s = checkFiniteValues(weight, "NF4 weight"); s.failed())
    return s;
  Nf4Weight result;
  result.n = n;
  result.k = k;
  result.blockSize = std::min(options.blockSize, k);
  result.numBlocks = (k + result.blockSize - 1) / result.blockSize;
  result.codes.resize(n * k);
  result.absmax.resize(n * result.numBlocks);
  for (int64_t row = 0; row < n; ++row)
    for (int64_t g = 0; g < result.numBlocks; ++g) {
      const int64_t begin = g * result.blockSize,
                    end = std::min(k, begin + result.blockSize);
      const float *w = weight.data() + row * k;
      float absmax = 0;
      for (int64_t i = begin; i < end; ++i)
        absmax = std::max(absmax, std::fabs(w[i]));
      result.absmax[row * result.numBlocks + g] = absmax;
      // An all-zero block: every code is the level 0 (code 7).
      for (int64_t i = begin; i < end; ++i)
        result.codes[row * k + i] =
            absmax > 0 ? nf4Encode(w[i] / absmax) : uint8_t(7);
    }
  result.doubleQuant = options.doubleQuant;
  if (options.doubleQuant)
    if (Status s = doubleQuantize(Span<float>(result.absmax),
                                  options.doubleQuantBlockSize,
                                  result.absmaxDq);
        s.failed())
      return s;
  out = std::move(result);
  return Status::ok();
}

std::vector<float> qopt::quant::dequantizeNf4(const Nf4Weight &weight) {
  const std::array<float, 16> &levels = nf4Levels();
  std::vector<float> absmax = weight.effectiveAbsmax();
  std::vector<float> values(weight.n * weight.k);
  for (int64_t row = 0; row < weight.n; ++row)
    for (int64_t i = 0; i < weight.k; ++i)
      values[row * weight.k + i] =
          levels[weight.codes[row * weight.k + i]] *
          absmax[row * weight.numBlocks + i / weight.blockSize];
  return values;
}

double qopt::quant::nf4BitsPerParameter(int64_t blockSize, bool doubleQuant,
                                        int64_t dqBlockSize) {
  if (!doubleQuant)
    return 4.0 + 32.0 / double(blockSize);
  return 4.0 + 8.0 / double(blockSize) +
         32.0 / (double(blockSize) * double(dqBlockSize));
}
