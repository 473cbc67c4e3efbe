//===- SmoothQuant.cpp - SmoothQuant smoothing scales ---------------------===//

#include "QuantOpt/Quant/SmoothQuant.h"

#include <algorithm>
#include <cmath>
#include <string>

using namespace qopt::quant;

std::vector<float> qopt::quant::weightRowAbsMax(Span<float> weight, int64_t k,
                                                int64_t n) {
  std::vector<float> absMax(k, 0.0f);
  if (static_cast<int64_t>(weight.size()) != k * n)
    return {};
  for (int64_t j = 0; j < k; ++j)
    for (int64_t c = 0; c < n; ++c)
      absMax[j] = std::max(absMax[j], std::fabs(weight[j * n + c]));
  return absMax;
}

Status qopt::quant::smoothQuantScales(Span<float> actAbsMax,
                                      Span<float> weightAbsMax, float alpha,
                                      std::vector<float> &scales) {
  if (actAbsMax.size() != weightAbsMax.size())
    return Status::error("SmoothQuant: " + std::to_string(actAbsMax.size()) +
                         " activation channels but " +
                         std::to_string(weightAbsMax.size()) +
                         " weight channels");
  if (!(alpha >= 0.0f && alpha <= 1.0f))
    return Status::error("SmoothQuant: alpha " + std::to_string(alpha) +
                         " is not in [0, 1]");
  std::vector<float> result(actAbsMax.size());
  for (size_t j = 0; j < actAbsMax.size(); ++j) {
    float a = actAbsMax[j], w = weightAbsMax[j];
    if (!std::isfinite(a) || a < 0.0f || !std::isfinite(w) || w < 0.0f)
      return Status::error("SmoothQuant: channel " + std::to_string(j) +
                           " has a negative or non-finite absmax (activation " +
                           std::to_string(a) + ", weight " + std::to_string(w) +
                           ")");
    double s = 1.0;
    if (a > 0.0f && w > 0.0f)
      s = std::pow(double(a), double(alpha)) /
          std::pow(double(w), 1.0 - double(alpha));
    result[j] = static_cast<float>(std::clamp(s, double(kSmoothQuantMinScale),
                                              double(kSmoothQuantMaxScale)));
  }
  scales = std::move(result);
  return Status::ok();
}
