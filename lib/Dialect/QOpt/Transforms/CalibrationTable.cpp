//===- CalibrationTable.cpp - the calibration table file (interim) --------===//

#include "CalibrationTable.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>

using namespace llvm;

namespace quant_opt::qopt {

LogicalResult TensorStats::add(const float *data, ArrayRef<int64_t> shape,
                               int64_t axis, std::string &error) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  if (n == 0)
    return success();
  float lo = data[0], hi = data[0];
  for (int64_t i = 0; i < n; ++i) {
    lo = std::min(lo, data[i]);
    hi = std::max(hi, data[i]);
  }
  if (elements == 0) {
    min = lo;
    max = hi;
    emaMin = lo;
    emaMax = hi;
  } else {
    min = std::min(min, double(lo));
    max = std::max(max, double(hi));
    emaMin = 0.99 * emaMin + 0.01 * lo;
    emaMax = 0.99 * emaMax + 0.01 * hi;
  }
  elements += n;
  if (axis < 0)
    return success();
  if (axis >= (int64_t)shape.size()) {
    error = "channel axis " + std::to_string(axis) + " out of range for rank " +
            std::to_string(shape.size());
    return failure();
  }
  int64_t channels = shape[axis];
  int64_t inner = 1;
  for (size_t i = axis + 1; i < shape.size(); ++i)
    inner *= shape[i];
  if (channelAxis < 0) {
    channelAxis = axis;
    channelAbsMax.assign(channels, 0.0f);
    channelAbsSum.assign(channels, 0.0);
  } else if ((int64_t)channelAbsMax.size() != channels) {
    error = "channel count changed from " +
            std::to_string(channelAbsMax.size()) + " to " +
            std::to_string(channels);
    return failure();
  }
  for (int64_t i = 0; i < n; ++i) {
    int64_t c = (i / inner) % channels;
    float a = std::fabs(data[i]);
    channelAbsMax[c] = std::max(channelAbsMax[c], a);
    channelAbsSum[c] += a;
  }
  channelCount += n / channels;
  return success();
}

LogicalResult CalibrationTable::write(StringRef path,
                                      std::string &error) const {
  SmallString<256> tempPath;
  int fd;
  if (std::error_code ec = sys::fs::createUniqueFile(
          path + ".tmp-%%%%%%", fd, tempPath)) {
    error = "cannot write '" + path.str() + "': " + ec.message();
    return failure();
  }
  {
    raw_fd_ostream os(fd, /*shouldClose=*/true);
    json::OStream j(os, 1);
    j.object([&] {
      j.attribute("format", kFormat);
      j.attribute("version", kVersion);
      j.attribute("fingerprint", fingerprint);
      j.attribute("samples", samples);
      j.attributeObject("tensors", [&] {
        for (const auto &[name, s] : tensors) {
          j.attributeObject(name, [&] {
            j.attribute("elements", s.elements);
            j.attribute("min", s.min);
            j.attribute("max", s.max);
            j.attribute("ema_min", s.emaMin);
            j.attribute("ema_max", s.emaMax);
            if (s.channelAxis >= 0) {
              j.attribute("channel_axis", s.channelAxis);
              j.attributeArray("channel_absmax", [&] {
                for (float v : s.channelAbsMax)
                  j.value(double(v));
              });
              j.attributeArray("channel_mean_abs", [&] {
                for (double v : s.channelAbsSum)
                  j.value(s.channelCount ? v / s.channelCount : 0.0);
              });
            }
          });
        }
      });
    });
    os << "\n";
    os.flush();
    if (os.has_error()) {
      error = "cannot write '" + path.str() + "': " + os.error().message();
      os.clear_error();
      sys::fs::remove(tempPath);
      return failure();
    }
  }
  if (std::error_code ec = sys::fs::rename(tempPath, path)) {
    sys::fs::remove(tempPath);
    error = "cannot write '" + path.str() + "': " + ec.message();
    return failure();
  }
  return success();
}

std::optional<CalibrationTable>
CalibrationTable::read(StringRef path, StringRef expectedFingerprint,
                       std::string &error) {
  auto prefix = "calibration table '" + path.str() + "': ";
  auto buffer = MemoryBuffer::getFile(path);
  if (!buffer) {
    error = prefix + buffer.getError().message();
    return std::nullopt;
  }
  auto parsed = json::parse((*buffer)->getBuffer());
  if (!parsed) {
    error = prefix + "not JSON: " + toString(parsed.takeError());
    return std::nullopt;
  }
  const json::Object *root = parsed->getAsObject();
  if (!root) {
    error = prefix + "not a JSON object";
    return std::nullopt;
  }
  auto format = root->getString("format");
  if (!format || *format != kFormat) {
    error = prefix + "not a quant-opt calibration table (format is not '" +
            kFormat + "')";
    return std::nullopt;
  }
  auto version = root->getInteger("version");
  if (!version || *version != kVersion) {
    error = prefix + "unsupported version " +
            (version ? std::to_string(*version) : std::string("(missing)")) +
            " (this compiler reads version " + std::to_string(kVersion) + ")";
    return std::nullopt;
  }
  CalibrationTable table;
  auto fingerprint = root->getString("fingerprint");
  if (!fingerprint) {
    error = prefix + "missing 'fingerprint'";
    return std::nullopt;
  }
  table.fingerprint = fingerprint->str();
  if (!expectedFingerprint.empty() && table.fingerprint != expectedFingerprint) {
    error = prefix + "written for another model (fingerprint " +
            table.fingerprint + ", this model is " + expectedFingerprint.str() +
            ")";
    return std::nullopt;
  }
  table.samples = root->getInteger("samples").value_or(0);
  const json::Object *tensors = root->getObject("tensors");
  if (!tensors) {
    error = prefix + "missing 'tensors'";
    return std::nullopt;
  }
  for (const auto &entry : *tensors) {
    const json::Object *t = entry.second.getAsObject();
    std::string name = entry.first.str();
    if (!t) {
      error = prefix + "tensor '" + name + "' is not an object";
      return std::nullopt;
    }
    TensorStats s;
    auto number = [&](StringRef key, double &out) {
      if (auto v = t->getNumber(key))
        out = *v;
      else
        error = prefix + "tensor '" + name + "': missing '" + key.str() + "'";
      return t->getNumber(key).has_value();
    };
    if (!number("min", s.min) || !number("max", s.max) ||
        !number("ema_min", s.emaMin) || !number("ema_max", s.emaMax))
      return std::nullopt;
    s.elements = t->getInteger("elements").value_or(0);
    if (auto axis = t->getInteger("channel_axis")) {
      s.channelAxis = *axis;
      const json::Array *absmax = t->getArray("channel_absmax");
      const json::Array *meanAbs = t->getArray("channel_mean_abs");
      if (!absmax || !meanAbs || absmax->size() != meanAbs->size()) {
        error = prefix + "tensor '" + name +
                "': channel_absmax / channel_mean_abs missing or of "
                "different sizes";
        return std::nullopt;
      }
      s.channelCount = 1;
      for (size_t i = 0; i < absmax->size(); ++i) {
        auto a = (*absmax)[i].getAsNumber();
        auto m = (*meanAbs)[i].getAsNumber();
        if (!a || !m || !std::isfinite(*a) || !std::isfinite(*m)) {
          error = prefix + "tensor '" + name +
                  "': non-numeric or non-finite channel statistic";
          return std::nullopt;
        }
        s.channelAbsMax.push_back(float(*a));
        s.channelAbsSum.push_back(*m);
      }
    }
    table.tensors.emplace(name, std::move(s));
  }
  return table;
}

} // namespace quant_opt::qopt
