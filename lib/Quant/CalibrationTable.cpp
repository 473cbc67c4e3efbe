//===- CalibrationTable.cpp - The versioned calibration table -------------===//
//
// JSON writer and a small strict JSON parser (no dependency), the binary
// sidecar and the validation. See docs/quantization.md for the format.
//
//===----------------------------------------------------------------------===//

#include "QuantOpt/Quant/CalibrationTable.h"

#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

using namespace qopt::quant;

uint64_t qopt::quant::fnv1a64(const void *data, size_t size, uint64_t seed) {
  const unsigned char *p = static_cast<const unsigned char *>(data);
  uint64_t h = seed;
  for (size_t i = 0; i < size; ++i) {
    h ^= p[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

const TensorCalibration *CalibrationTable::find(const std::string &name) const {
  for (const TensorCalibration &t : tensors)
    if (t.name == name)
      return &t;
  return nullptr;
}

namespace {

constexpr char kSidecarMagic[8] = {'Q', 'O', 'P', 'T', 'C', 'A', 'L', 'B'};
constexpr size_t kAlign = 64;

//===----------------------------------------------------------------------===//
// Writing
//===----------------------------------------------------------------------===//

std::string jsonString(const std::string &s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\t':
      out += "\\t";
      break;
    case '\r':
      out += "\\r";
      break;
    default:
      if (c < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out += buf;
      } else {
        out += char(c);
      }
    }
  }
  return out + "\"";
}

std::string jsonFloat(float v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", double(v));
  return buf;
}
/// The shortest of %.15g / %.16g / %.17g that reads back exactly.
std::string jsonDouble(double v) {
  char buf[40];
  for (int precision = 15; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v)
      break;
  }
  return buf;
}

struct SidecarWriter {
  std::string bytes = std::string(kAlign, '\0');
  SidecarWriter() {
    std::memcpy(&bytes[0], kSidecarMagic, 8);
    uint32_t version = kCalibrationTableVersion;
    std::memcpy(&bytes[8], &version, 4); // Little-endian hosts only (x86-64).
  }
  template <typename T>
  std::string add(const std::vector<T> &values, const char *dtype) {
    size_t offset = bytes.size();
    bytes.append(reinterpret_cast<const char *>(values.data()),
                 values.size() * sizeof(T));
    bytes.resize((bytes.size() + kAlign - 1) / kAlign * kAlign, '\0');
    return "{\"offset\": " + std::to_string(offset) +
           ", \"count\": " + std::to_string(values.size()) + ", \"dtype\": \"" +
           dtype + "\"}";
  }
};

template <typename T> bool allFinite(const std::vector<T> &v) {
  for (T x : v)
    if (!std::isfinite(double(x)))
      return false;
  return true;
}

/// Writes `data` to a fresh temporary file next to `path`; returns its name
/// or "" with `error` set.
std::string writeTemp(const std::string &path, const std::string &data,
                      std::string &error) {
  std::string pattern = path + ".tmpXXXXXX";
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  int fd = mkstemp(name.data());
  if (fd < 0) {
    error = "cannot create a temporary file next to '" + path +
            "': " + std::strerror(errno);
    return "";
  }
  // mkstemp creates 0600; give the table the usual 0666 & ~umask.
  mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd, 0666 & ~mask);
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      error = "cannot write '" + std::string(name.data()) +
              "': " + std::strerror(errno);
      ::close(fd);
      ::unlink(name.data());
      return "";
    }
    done += size_t(n);
  }
  if (::close(fd) != 0) {
    error = "cannot write '" + std::string(name.data()) +
            "': " + std::strerror(errno);
    ::unlink(name.data());
    return "";
  }
  return name.data();
}

std::string baseName(const std::string &path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}
std::string dirName(const std::string &path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash + 1);
}

//===----------------------------------------------------------------------===//
// A small strict JSON parser
//===----------------------------------------------------------------------===//

struct Json {
  enum Kind { Null, Bool, Number, String, Array, Object } kind = Null;
  bool boolean = false;
  double number = 0.0;
  std::string text; // String value, or a number's literal text.
  std::vector<Json> items;
  std::vector<std::pair<std::string, Json>> members;

  const Json *get(const std::string &key) const {
    for (const auto &m : members)
      if (m.first == key)
        return &m.second;
    return nullptr;
  }
};

class Parser {
public:
  Parser(const std::string &s) : s_(s) {}
  bool parse(Json &out, std::string &error) {
    if (!value(out, 0) || (skip(), pos_ != s_.size())) {
      if (error_.empty())
        error_ = "unexpected text";
      error = error_ + " at byte " + std::to_string(pos_);
      return false;
    }
    return true;
  }

private:
  void skip() {
    while (pos_ < s_.size() && std::strchr(" \t\r\n", s_[pos_]))
      ++pos_;
  }
  bool fail(const char *message) {
    if (error_.empty())
      error_ = message;
    return false;
  }
  bool literal(const char *word) {
    size_t n = std::strlen(word);
    if (s_.compare(pos_, n, word) != 0)
      return fail("invalid literal");
    pos_ += n;
    return true;
  }
  bool string(std::string &out) {
    if (s_[pos_] != '"')
      return fail("expected a string");
    ++pos_;
    while (pos_ < s_.size() && s_[pos_] != '"') {
      char c = s_[pos_++];
      if (static_cast<unsigned char>(c) < 0x20)
        return fail("control character in a string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= s_.size())
        return fail("unterminated escape");
      char e = s_[pos_++];
      switch (e) {
      case '"':
        out += '"';
        break;
      case '\\':
        out += '\\';
        break;
      case '/':
        out += '/';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        if (pos_ + 4 > s_.size())
          return fail("bad \\u escape");
        unsigned code = std::strtoul(s_.substr(pos_, 4).c_str(), nullptr, 16);
        pos_ += 4;
        // Encode the BMP code point as UTF-8 (surrogates kept as is).
        if (code < 0x80) {
          out += char(code);
        } else if (code < 0x800) {
          out += char(0xC0 | (code >> 6));
          out += char(0x80 | (code & 0x3F));
        } else {
          out += char(0xE0 | (code >> 12));
          out += char(0x80 | ((code >> 6) & 0x3F));
          out += char(0x80 | (code & 0x3F));
        }
        break;
      }
      default:
        return fail("bad escape");
      }
    }
    if (pos_ >= s_.size())
      return fail("unterminated string");
    ++pos_;
    return true;
  }
  bool value(Json &out, int depth) {
    if (depth > 64)
      return fail("nesting too deep");
    skip();
    if (pos_ >= s_.size())
      return fail("unexpected end");
    char c = s_[pos_];
    if (c == '{') {
      out.kind = Json::Object;
      ++pos_;
      skip();
      if (pos_ < s_.size() && s_[pos_] == '}') {
        ++pos_;
        return true;
      }
      while (true) {
        skip();
        std::string key;
        if (pos_ >= s_.size() || !string(key))
          return fail("expected a member name");
        skip();
        if (pos_ >= s_.size() || s_[pos_] != ':')
          return fail("expected ':'");
        ++pos_;
        Json member;
        if (!value(member, depth + 1))
          return false;
        out.members.emplace_back(std::move(key), std::move(member));
        skip();
        if (pos_ < s_.size() && s_[pos_] == ',') {
          ++pos_;
          continue;
        }
        if (pos_ < s_.size() && s_[pos_] == '}') {
          ++pos_;
          return true;
        }
        return fail("expected ',' or '}'");
      }
    }
    if (c == '[') {
      out.kind = Json::Array;
      ++pos_;
      skip();
      if (pos_ < s_.size() && s_[pos_] == ']') {
        ++pos_;
        return true;
      }
      while (true) {
        Json item;
        if (!value(item, depth + 1))
          return false;
        out.items.push_back(std::move(item));
        skip();
        if (pos_ < s_.size() && s_[pos_] == ',') {
          ++pos_;
          continue;
        }
        if (pos_ < s_.size() && s_[pos_] == ']') {
          ++pos_;
          return true;
        }
        return fail("expected ',' or ']'");
      }
    }
    if (c == '"') {
      out.kind = Json::String;
      return string(out.text);
    }
    if (c == 't') {
      out.kind = Json::Bool;
      out.boolean = true;
      return literal("true");
    }
    if (c == 'f') {
      out.kind = Json::Bool;
      return literal("false");
    }
    if (c == 'n') {
      out.kind = Json::Null;
      return literal("null");
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      size_t start = pos_;
      if (s_[pos_] == '-')
        ++pos_;
      while (pos_ < s_.size() && std::strchr("0123456789.eE+-", s_[pos_]))
        ++pos_;
      out.kind = Json::Number;
      out.text = s_.substr(start, pos_ - start);
      char *end = nullptr;
      out.number = std::strtod(out.text.c_str(), &end);
      if (!end || *end != '\0' || !std::isfinite(out.number))
        return fail("invalid number");
      return true;
    }
    return fail("unexpected character (NaN and Infinity are not JSON)");
  }

  const std::string &s_;
  size_t pos_ = 0;
  std::string error_;
};

//===----------------------------------------------------------------------===//
// Reading helpers
//===----------------------------------------------------------------------===//

struct Reader {
  std::string path;
  std::string error;
  const std::string *sidecar = nullptr;

  bool fail(const std::string &message) {
    if (error.empty())
      error = path + ": " + message;
    return false;
  }
  bool getInt(const Json &obj, const char *key, int64_t &out,
              const std::string &where, bool required = true,
              bool allowNegative = false) {
    const Json *v = obj.get(key);
    if (!v)
      return !required || fail(where + ": missing \"" + key + "\"");
    if (v->kind != Json::Number ||
        v->text.find_first_of(".eE") != std::string::npos)
      return fail(where + ": \"" + key + "\" is not an integer");
    errno = 0;
    long long x = std::strtoll(v->text.c_str(), nullptr, 10);
    if (errno)
      return fail(where + ": \"" + key + "\" is out of range");
    if (x < 0 && !allowNegative)
      return fail(where + ": \"" + key + "\" is negative");
    out = x;
    return true;
  }
  bool getFloat(const Json &obj, const char *key, std::optional<float> &out,
                const std::string &where) {
    const Json *v = obj.get(key);
    if (!v)
      return true;
    if (v->kind != Json::Number)
      return fail(where + ": \"" + key + "\" is not a number");
    float f = static_cast<float>(v->number);
    if (!std::isfinite(f))
      return fail(where + ": \"" + key + "\" is not a finite float");
    out = f;
    return true;
  }
  template <typename T>
  bool getArray(const Json &obj, const char *key, const char *dtype,
                std::vector<T> &out, const std::string &where) {
    const Json *ref = obj.get(key);
    if (!ref)
      return true;
    std::string at = where + " \"" + key + "\"";
    if (ref->kind != Json::Object)
      return fail(at + ": expected {\"offset\", \"count\", \"dtype\"}");
    int64_t offset = 0, count = 0;
    if (!getInt(*ref, "offset", offset, at) ||
        !getInt(*ref, "count", count, at))
      return false;
    const Json *type = ref->get("dtype");
    if (!type || type->kind != Json::String || type->text != dtype)
      return fail(at + ": dtype must be \"" + dtype + "\"");
    if (offset < int64_t(kAlign) || offset % kAlign != 0)
      return fail(at + ": offset " + std::to_string(offset) +
                  " is not a 64-byte aligned offset past the sidecar header");
    if (count < 0 ||
        uint64_t(count) >
            (sidecar->size() - std::min<size_t>(offset, sidecar->size())) /
                sizeof(T) ||
        size_t(offset) > sidecar->size())
      return fail(at + ": " + std::to_string(count) + " values at offset " +
                  std::to_string(offset) +
                  " run past the end of the sidecar (" +
                  std::to_string(sidecar->size()) + " bytes)");
    out.resize(count);
    std::memcpy(out.data(), sidecar->data() + offset, count * sizeof(T));
    if constexpr (std::is_floating_point_v<T>) {
      for (int64_t i = 0; i < count; ++i)
        if (!std::isfinite(out[i]))
          return fail(at + ": element " + std::to_string(i) + " is " +
                      (std::isnan(out[i]) ? "NaN" : "infinite"));
    }
    return true;
  }
};

bool readWholeFile(const std::string &path, std::string &out,
                   std::string &error) {
  FILE *f = std::fopen(path.c_str(), "rb");
  if (!f) {
    error = "cannot open '" + path + "': " + std::strerror(errno);
    return false;
  }
  std::string data;
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0)
    data.append(buf, n);
  bool bad = std::ferror(f);
  std::fclose(f);
  if (bad) {
    error = "cannot read '" + path + "'";
    return false;
  }
  out = std::move(data);
  return true;
}

} // namespace

Status qopt::quant::writeCalibrationTable(const std::string &path,
                                          const CalibrationTable &table) {
  SidecarWriter sidecar;
  std::set<std::string> names;
  std::string tensors;
  auto scalar = [](std::string &json, const char *key,
                   const std::optional<float> &v) {
    if (v)
      json += ", \"" + std::string(key) + "\": " + jsonFloat(*v);
  };
  for (const TensorCalibration &t : table.tensors) {
    std::string where =
        "calibration table '" + path + "': tensor '" + t.name + "'";
    if (t.name.empty())
      return Status::error("calibration table '" + path +
                           "': a tensor has an empty name");
    if (!names.insert(t.name).second)
      return Status::error(where + " appears twice");
    for (const std::optional<float> *v :
         {&t.min, &t.max, &t.movingMin, &t.movingMax, &t.momentum, &t.absMax,
          &t.percentileThreshold, &t.klThreshold, &t.mseThreshold})
      if (*v && !std::isfinite(**v))
        return Status::error(where + " has a non-finite statistic");
    if (t.percentile && !std::isfinite(*t.percentile))
      return Status::error(where + " has a non-finite percentile");
    if (!allFinite(t.channelAbsMax) || !allFinite(t.channelMeanAbs) ||
        !allFinite(t.gram) || !allFinite(t.reservoir) ||
        !std::isfinite(t.histogramRange))
      return Status::error(where + " has a non-finite array value");
    if (!t.channelAbsMax.empty() && !t.channelMeanAbs.empty() &&
        t.channelAbsMax.size() != t.channelMeanAbs.size())
      return Status::error(where +
                           ": channel absmax and mean |x| sizes differ");
    if (!t.gram.empty() &&
        (t.gramK < 1 || int64_t(t.gram.size()) != t.gramK * t.gramK))
      return Status::error(
          where + ": XᵀX holds " + std::to_string(t.gram.size()) +
          " values, not K x K with K = " + std::to_string(t.gramK));
    if (!t.reservoir.empty() && (t.reservoirRowSize < 1 ||
                                 t.reservoir.size() % t.reservoirRowSize != 0))
      return Status::error(
          where + ": reservoir size is not a multiple of the row size");

    std::string json = "    {\"name\": " + jsonString(t.name);
    scalar(json, "min", t.min);
    scalar(json, "max", t.max);
    scalar(json, "moving_min", t.movingMin);
    scalar(json, "moving_max", t.movingMax);
    scalar(json, "momentum", t.momentum);
    scalar(json, "absmax", t.absMax);
    if (t.percentile)
      json += ", \"percentile\": " + jsonDouble(*t.percentile);
    scalar(json, "percentile_threshold", t.percentileThreshold);
    scalar(json, "kl_threshold", t.klThreshold);
    scalar(json, "mse_threshold", t.mseThreshold);
    if (!t.histogram.empty())
      json +=
          ",\n     \"histogram\": {\"range\": " + jsonFloat(t.histogramRange) +
          ", \"bins\": " + sidecar.add(t.histogram, "u64") + "}";
    if (!t.channelAbsMax.empty() || !t.channelMeanAbs.empty())
      json += ",\n     \"channel_axis\": " + std::to_string(t.channelAxis);
    if (!t.channelAbsMax.empty())
      json +=
          ",\n     \"channel_absmax\": " + sidecar.add(t.channelAbsMax, "f32");
    if (!t.channelMeanAbs.empty())
      json += ",\n     \"channel_mean_abs\": " +
              sidecar.add(t.channelMeanAbs, "f32");
    if (!t.gram.empty())
      json += ",\n     \"xtx\": {\"k\": " + std::to_string(t.gramK) +
              ", \"rows\": " + std::to_string(t.gramRows) +
              ", \"data\": " + sidecar.add(t.gram, "f64") + "}";
    if (!t.reservoir.empty())
      json += ",\n     \"reservoir\": {\"row_size\": " +
              std::to_string(t.reservoirRowSize) +
              ", \"seen\": " + std::to_string(t.reservoirSeen) +
              ", \"data\": " + sidecar.add(t.reservoir, "f32") + "}";
    json += "}";
    if (!tensors.empty())
      tensors += ",\n";
    tensors += json;
  }
  const std::string sidecarPath = path + ".bin";
  char hash[24];
  std::snprintf(hash, sizeof hash, "%016" PRIx64,
                fnv1a64(sidecar.bytes.data(), sidecar.bytes.size()));
  std::string json =
      "{\n  \"format\": " + jsonString(kCalibrationTableFormat) +
      ",\n  \"version\": " + std::to_string(kCalibrationTableVersion) +
      ",\n  \"fingerprint\": " + jsonString(table.fingerprint) +
      ",\n  \"sample_count\": " + std::to_string(table.sampleCount) +
      ",\n  \"sidecar\": " + jsonString(baseName(sidecarPath)) +
      ",\n  \"sidecar_bytes\": " + std::to_string(sidecar.bytes.size()) +
      ",\n  \"sidecar_fnv1a64\": \"" + hash + "\",\n  \"tensors\": [\n" +
      tensors + "\n  ]\n}\n";
  std::string error;
  std::string sidecarTemp = writeTemp(sidecarPath, sidecar.bytes, error);
  if (sidecarTemp.empty())
    return Status::error(error);
  std::string jsonTemp = writeTemp(path, json, error);
  if (jsonTemp.empty()) {
    ::unlink(sidecarTemp.c_str());
    return Status::error(error);
  }
  if (std::rename(sidecarTemp.c_str(), sidecarPath.c_str()) != 0 ||
      std::rename(jsonTemp.c_str(), path.c_str()) != 0) {
    std::string message = "cannot rename the calibration table into '" + path +
                          "': " + std::strerror(errno);
    ::unlink(sidecarTemp.c_str());
    ::unlink(jsonTemp.c_str());
    return Status::error(message);
  }
  return Status::ok();
}

Status qopt::quant::readCalibrationTable(const std::string &path,
                                         const std::string &expectedFingerprint,
                                         CalibrationTable &table) {
  std::string text, error;
  if (!readWholeFile(path, text, error))
    return Status::error("calibration table: " + error);
  Json root;
  if (!Parser(text).parse(root, error))
    return Status::error(path +
                         ": not a valid JSON calibration table: " + error);
  Reader r;
  r.path = path;
  if (root.kind != Json::Object)
    return Status::error(path + ": the top level is not a JSON object");
  const Json *format = root.get("format");
  if (!format || format->kind != Json::String ||
      format->text != kCalibrationTableFormat)
    return Status::error(path + ": \"format\" is not \"" +
                         std::string(kCalibrationTableFormat) +
                         "\" (not a quant-opt calibration table)");
  int64_t version = 0;
  if (!r.getInt(root, "version", version, "header"))
    return Status::error(r.error);
  if (version != kCalibrationTableVersion)
    return Status::error(path + ": calibration table version " +
                         std::to_string(version) +
                         " is not supported (this build reads version " +
                         std::to_string(kCalibrationTableVersion) + ")");
  const Json *fingerprint = root.get("fingerprint");
  if (!fingerprint || fingerprint->kind != Json::String)
    return Status::error(path + ": missing \"fingerprint\"");
  if (!expectedFingerprint.empty() && fingerprint->text != expectedFingerprint)
    return Status::error(path + ": the table was made for model fingerprint '" +
                         fingerprint->text + "', not '" + expectedFingerprint +
                         "' (recalibrate this model)");
  CalibrationTable result;
  result.fingerprint = fingerprint->text;
  int64_t sidecarBytes = 0;
  if (!r.getInt(root, "sample_count", result.sampleCount, "header") ||
      !r.getInt(root, "sidecar_bytes", sidecarBytes, "header"))
    return Status::error(r.error);
  const Json *sidecarName = root.get("sidecar");
  const Json *hash = root.get("sidecar_fnv1a64");
  if (!sidecarName || sidecarName->kind != Json::String ||
      sidecarName->text.empty() ||
      sidecarName->text.find('/') != std::string::npos)
    return Status::error(path + ": missing or invalid \"sidecar\"");
  if (!hash || hash->kind != Json::String)
    return Status::error(path + ": missing \"sidecar_fnv1a64\"");
  std::string sidecarPath = dirName(path) + sidecarName->text;
  std::string sidecar;
  if (!readWholeFile(sidecarPath, sidecar, error))
    return Status::error(path + ": sidecar: " + error);
  if (int64_t(sidecar.size()) != sidecarBytes)
    return Status::error(
        sidecarPath + ": sidecar is " + std::to_string(sidecar.size()) +
        " bytes, the table says " + std::to_string(sidecarBytes) +
        " (truncated or replaced)");
  if (sidecar.size() < kAlign ||
      std::memcmp(sidecar.data(), kSidecarMagic, 8) != 0)
    return Status::error(sidecarPath + ": not a quant-opt calibration sidecar");
  char actual[24];
  std::snprintf(actual, sizeof actual, "%016" PRIx64,
                fnv1a64(sidecar.data(), sidecar.size()));
  if (hash->text != actual)
    return Status::error(sidecarPath + ": checksum mismatch (corrupt sidecar)");
  r.sidecar = &sidecar;

  const Json *tensors = root.get("tensors");
  if (!tensors || tensors->kind != Json::Array)
    return Status::error(path + ": missing \"tensors\" array");
  std::set<std::string> names;
  for (const Json &entry : tensors->items) {
    if (entry.kind != Json::Object)
      return Status::error(path + ": a \"tensors\" entry is not an object");
    const Json *name = entry.get("name");
    if (!name || name->kind != Json::String || name->text.empty())
      return Status::error(path + ": a tensor entry has no \"name\"");
    TensorCalibration t;
    t.name = name->text;
    std::string where = "tensor '" + t.name + "'";
    if (!names.insert(t.name).second)
      return Status::error(path + ": " + where + " appears twice");
    bool ok = r.getFloat(entry, "min", t.min, where) &&
              r.getFloat(entry, "max", t.max, where) &&
              r.getFloat(entry, "moving_min", t.movingMin, where) &&
              r.getFloat(entry, "moving_max", t.movingMax, where) &&
              r.getFloat(entry, "momentum", t.momentum, where) &&
              r.getFloat(entry, "absmax", t.absMax, where) &&
              r.getFloat(entry, "percentile_threshold", t.percentileThreshold,
                         where) &&
              r.getFloat(entry, "kl_threshold", t.klThreshold, where) &&
              r.getFloat(entry, "mse_threshold", t.mseThreshold, where);
    if (!ok)
      return Status::error(r.error);
    if (const Json *p = entry.get("percentile")) {
      if (p->kind != Json::Number)
        return Status::error(path + ": " + where +
                             ": \"percentile\" is not a number");
      t.percentile = p->number;
    }
    if (const Json *h = entry.get("histogram")) {
      std::optional<float> range;
      if (h->kind != Json::Object || !r.getFloat(*h, "range", range, where) ||
          !range || *range < 0.0f ||
          !r.getArray(*h, "bins", "u64", t.histogram, where + " histogram"))
        return Status::error(r.error.empty() ? path + ": " + where +
                                                   ": invalid \"histogram\""
                                             : r.error);
      if (t.histogram.empty())
        return Status::error(path + ": " + where + ": empty histogram");
      t.histogramRange = *range;
    }
    if (!r.getInt(entry, "channel_axis", t.channelAxis, where, false, true) ||
        !r.getArray(entry, "channel_absmax", "f32", t.channelAbsMax, where) ||
        !r.getArray(entry, "channel_mean_abs", "f32", t.channelMeanAbs, where))
      return Status::error(r.error);
    if (!t.channelAbsMax.empty() && !t.channelMeanAbs.empty() &&
        t.channelAbsMax.size() != t.channelMeanAbs.size())
      return Status::error(path + ": " + where +
                           ": channel absmax and mean |x| sizes differ");
    if (const Json *x = entry.get("xtx")) {
      if (x->kind != Json::Object ||
          !r.getInt(*x, "k", t.gramK, where + " xtx") ||
          !r.getInt(*x, "rows", t.gramRows, where + " xtx") ||
          !r.getArray(*x, "data", "f64", t.gram, where + " xtx"))
        return Status::error(r.error.empty()
                                 ? path + ": " + where + ": invalid \"xtx\""
                                 : r.error);
      if (t.gramK < 1 || int64_t(t.gram.size()) != t.gramK * t.gramK)
        return Status::error(
            path + ": " + where + ": xtx holds " +
            std::to_string(t.gram.size()) +
            " values, not K x K with K = " + std::to_string(t.gramK));
    }
    if (const Json *x = entry.get("reservoir")) {
      if (x->kind != Json::Object ||
          !r.getInt(*x, "row_size", t.reservoirRowSize, where + " reservoir") ||
          !r.getInt(*x, "seen", t.reservoirSeen, where + " reservoir") ||
          !r.getArray(*x, "data", "f32", t.reservoir, where + " reservoir"))
        return Status::error(r.error.empty() ? path + ": " + where +
                                                   ": invalid \"reservoir\""
                                             : r.error);
      if (t.reservoirRowSize < 1 ||
          t.reservoir.size() % t.reservoirRowSize != 0)
        return Status::error(path + ": " + where +
                             ": reservoir size is not a multiple of row_size");
    }
    result.tensors.push_back(std::move(t));
  }
  table = std::move(result);
  return Status::ok();
}
