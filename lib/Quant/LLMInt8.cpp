//===- LLMInt8.cpp - LLM.int8() decomposition -----------------------------===//

#include "QuantOpt/Quant/LLMInt8.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

using namespace qopt::quant;

std::vector<int64_t> qopt::quant::llmInt8OutlierColumns(Span<float> absMax,
                                                        float threshold) {
  std::vector<int64_t> out;
  for (size_t j = 0; j < absMax.size(); ++j)
    if (!std::isfinite(absMax[j]) || absMax[j] > threshold)
      out.push_back(int64_t(j));
  return out;
}

Status qopt::quant::quantizeLlmInt8(Span<float> weight, int64_t k, int64_t n,
                                    Span<int64_t> outliers,
                                    LlmInt8Weight &out) {
  if (k <= 0 || n <= 0 || (int64_t)weight.size() != k * n)
    return Status::error("LLM.int8(): weight has " +
                         std::to_string(weight.size()) + " values, expected " +
                         std::to_string(k) + " x " + std::to_string(n));
  for (size_t i = 0; i < outliers.size(); ++i)
    if (outliers[i] < 0 || outliers[i] >= k ||
        (i > 0 && outliers[i] <= outliers[i - 1]))
      return Status::error("LLM.int8(): outlier feature indices must be "
                           "ascending, distinct and below " +
                           std::to_string(k));
  LlmInt8Weight result;
  result.k = k;
  result.n = n;
  result.outliers.assign(outliers.begin(), outliers.end());
  std::vector<float> inlier(weight.begin(), weight.end());
  result.outlierRows.reserve(outliers.size() * n);
  for (int64_t row : outliers) {
    result.outlierRows.insert(result.outlierRows.end(),
                              weight.begin() + row * n,
                              weight.begin() + (row + 1) * n);
    std::fill(inlier.begin() + row * n, inlier.begin() + (row + 1) * n, 0.0f);
  }
  Status s = quantizeInt8PerChannel(inlier, k, n, /*axis=*/1, result.inlier);
  if (s.failed())
    return s;
  out = std::move(result);
  return Status::ok();
}

std::vector<float>
qopt::quant::llmInt8EffectiveWeight(const LlmInt8Weight &weight) {
  std::vector<float> w = dequantizeInt8(weight.inlier);
  for (size_t i = 0; i < weight.outliers.size(); ++i)
    std::copy(weight.outlierRows.begin() + i * weight.n,
              weight.outlierRows.begin() + (i + 1) * weight.n,
              w.begin() + weight.outliers[i] * weight.n);
  return w;
}

double qopt::quant::llmInt8OutputSqnrDb(Span<float> rows, int64_t numRows,
                                        int64_t k, Span<float> weight,
                                        Span<float> inlierWeight,
                                        Span<float> outlierWeight, int64_t n,
                                        Span<uint8_t> outlierMask) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (numRows < 0 || k <= 0 || n <= 0 ||
      (int64_t)rows.size() != numRows * k ||
      (int64_t)weight.size() != k * n ||
      (int64_t)inlierWeight.size() != k * n ||
      (int64_t)outlierWeight.size() != k * n ||
      (int64_t)outlierMask.size() != k)
    return nan;
  std::vector<double> x(k), xq(k), y(n), yq(n);
  double signal = 0.0, noise = 0.0;
  for (int64_t r = 0; r < numRows; ++r) {
    // The per-row scale of the non-outlier part (f32, as the op computes it).
    float absMax = 0.0f;
    for (int64_t i = 0; i < k; ++i) {
      float v = rows[r * k + i];
      if (!std::isfinite(v))
        return nan;
      x[i] = v;
      if (!outlierMask[i])
        absMax = std::max(absMax, std::fabs(v));
    }
    float scale = absMax / 127.0f;
    for (int64_t i = 0; i < k; ++i) {
      if (outlierMask[i] || scale == 0.0f)
        xq[i] = 0.0;
      else
        xq[i] = double(quantizeValue(float(x[i]), scale, 0, -128, 127)) *
                scale;
    }
    std::fill(y.begin(), y.end(), 0.0);
    std::fill(yq.begin(), yq.end(), 0.0);
    for (int64_t i = 0; i < k; ++i) {
      const float *w = weight.data() + i * n;
      const float *wi = inlierWeight.data() + i * n;
      const float *wo = outlierWeight.data() + i * n;
      bool outlier = outlierMask[i] != 0;
      for (int64_t j = 0; j < n; ++j) {
        y[j] += x[i] * w[j];
        yq[j] += outlier ? x[i] * wo[j] : xq[i] * wi[j];
      }
    }
    for (int64_t j = 0; j < n; ++j) {
      signal += y[j] * y[j];
      noise += (y[j] - yq[j]) * (y[j] - yq[j]);
    }
  }
  if (!std::isfinite(signal) || !std::isfinite(noise))
    return nan;
  if (noise == 0.0)
    return std::numeric_limits<double>::infinity();
  if (signal == 0.0)
    return -std::numeric_limits<double>::infinity();
  return 10.0 * std::log10(signal / noise);
}
