//===- Compare.cpp - Element-wise comparison with tolerances --------------===//

#include "Internal.h"

#include <cmath>
#include <cstring>

using namespace qopt::rt;

namespace {

float halfToFloat(uint16_t bits) {
  uint32_t sign = (bits >> 15) & 1, exponent = (bits >> 10) & 0x1f,
           mantissa = bits & 0x3ff;
  float value;
  if (exponent == 0)
    value = std::ldexp(static_cast<float>(mantissa), -24);
  else if (exponent == 31)
    value = mantissa ? NAN : INFINITY;
  else
    value = std::ldexp(static_cast<float>(mantissa | 0x400), exponent - 25);
  return sign ? -value : value;
}

float bfloat16ToFloat(uint16_t bits) {
  uint32_t wide = static_cast<uint32_t>(bits) << 16;
  float value;
  std::memcpy(&value, &wide, 4);
  return value;
}

template <typename T> double load(const void *data, int64_t index) {
  T value;
  std::memcpy(&value, static_cast<const char *>(data) + index * sizeof(T),
              sizeof(T));
  return static_cast<double>(value);
}

} // namespace

double qopt_rt_tensor_get_double(const qopt_rt_tensor *tensor, int64_t index) {
  const void *data = tensor->data;
  switch (tensor->dtype) {
  case QOPT_DTYPE_FLOAT:
    return load<float>(data, index);
  case QOPT_DTYPE_DOUBLE:
    return load<double>(data, index);
  case QOPT_DTYPE_FLOAT16:
    return halfToFloat(static_cast<uint16_t>(load<uint16_t>(data, index)));
  case QOPT_DTYPE_BFLOAT16:
    return bfloat16ToFloat(static_cast<uint16_t>(load<uint16_t>(data, index)));
  case QOPT_DTYPE_INT8:
    return load<int8_t>(data, index);
  case QOPT_DTYPE_UINT8:
    return load<uint8_t>(data, index);
  case QOPT_DTYPE_BOOL:
    return load<uint8_t>(data, index) != 0;
  case QOPT_DTYPE_INT16:
    return load<int16_t>(data, index);
  case QOPT_DTYPE_UINT16:
    return load<uint16_t>(data, index);
  case QOPT_DTYPE_INT32:
    return load<int32_t>(data, index);
  case QOPT_DTYPE_UINT32:
    return load<uint32_t>(data, index);
  case QOPT_DTYPE_INT64:
    return load<int64_t>(data, index);
  case QOPT_DTYPE_UINT64:
    return load<uint64_t>(data, index);
  default:
    return NAN;
  }
}

int qopt_rt_compare(const qopt_rt_tensor *actual,
                    const qopt_rt_tensor *expected, double rtol, double atol,
                    qopt_rt_compare_result *result) {
  clearError();
  if (!actual || !expected || !result)
    return fail("qopt_rt_compare: NULL argument");
  *result = qopt_rt_compare_result{};
  result->dtype_match = actual->dtype == expected->dtype;
  result->shape_match = actual->dims == expected->dims;
  if (!result->dtype_match || !result->shape_match)
    return 0;
  int64_t count = qopt_rt_tensor_num_elements(actual);
  result->count = count;
  for (int64_t i = 0; i < count; ++i) {
    double a = qopt_rt_tensor_get_double(actual, i);
    double b = qopt_rt_tensor_get_double(expected, i);
    if (std::isnan(a) || std::isnan(b)) {
      result->mismatches += std::isnan(a) != std::isnan(b);
      continue;
    }
    if (std::isinf(a) || std::isinf(b)) {
      result->mismatches += a != b;
      continue;
    }
    double error = std::fabs(a - b);
    result->max_abs_error = std::fmax(result->max_abs_error, error);
    if (b != 0)
      result->max_rel_error =
          std::fmax(result->max_rel_error, error / std::fabs(b));
    if (!(error <= atol + rtol * std::fabs(b)))
      ++result->mismatches;
  }
  return result->mismatches == 0;
}
