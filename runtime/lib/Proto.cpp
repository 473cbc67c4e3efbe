//===- Proto.cpp - ONNX TensorProto .pb reader and writer -----------------===//
//
// A small, bounds-checked protobuf wire-format codec for the fields of
// onnx.TensorProto the ONNX backend test suite uses. No libprotobuf.
//
//===----------------------------------------------------------------------===//

#include "Internal.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

using namespace qopt::rt;

namespace {

// TensorProto field numbers.
enum Field : uint32_t {
  kDims = 1,
  kDataType = 2,
  kFloatData = 4,
  kInt32Data = 5,
  kStringData = 6,
  kInt64Data = 7,
  kName = 8,
  kRawData = 9,
  kDoubleData = 10,
  kUInt64Data = 11,
  kExternalData = 13,
  kDataLocation = 14,
};

enum WireType : uint32_t {
  kVarint = 0,
  kFixed64 = 1,
  kLengthDelimited = 2,
  kFixed32 = 5
};

/// A cursor over a byte range; every read checks the bounds.
class Reader {
public:
  Reader(const uint8_t *begin, const uint8_t *end) : pos(begin), end(end) {}
  bool atEnd() const { return pos == end; }

  bool varint(uint64_t &value) {
    value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos == end)
        return false;
      uint8_t byte = *pos++;
      value |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80))
        return true;
    }
    return false; // More than 10 bytes.
  }
  bool fixed(void *out, size_t size) {
    if (static_cast<size_t>(end - pos) < size)
      return false;
    std::memcpy(out, pos, size); // Little-endian host (x86-64, AArch64).
    pos += size;
    return true;
  }
  bool bytes(const uint8_t *&data, uint64_t &size) {
    if (!varint(size) || size > static_cast<uint64_t>(end - pos))
      return false;
    data = pos;
    pos += size;
    return true;
  }
  bool skip(uint32_t wireType) {
    uint64_t ignored;
    const uint8_t *data;
    switch (wireType) {
    case kVarint:
      return varint(ignored);
    case kFixed64:
      return fixed(&ignored, 8);
    case kFixed32:
      return fixed(&ignored, 4);
    case kLengthDelimited:
      return bytes(data, ignored);
    default:
      return false; // Groups (3, 4) are not used by ONNX.
    }
  }

private:
  const uint8_t *pos;
  const uint8_t *end;
};

/// Values of a repeated scalar field, packed or not, as 64-bit patterns.
struct Repeated {
  std::vector<uint64_t> values;
  bool seen = false;
};

/// Appends one occurrence of a repeated field with element wire type
/// `elementType` (kVarint, kFixed32 or kFixed64).
bool readRepeated(Reader &reader, uint32_t wireType, uint32_t elementType,
                  Repeated &field) {
  field.seen = true;
  auto readOne = [&](Reader &from) {
    uint64_t value = 0;
    bool ok = elementType == kVarint    ? from.varint(value)
              : elementType == kFixed32 ? from.fixed(&value, 4)
                                        : from.fixed(&value, 8);
    if (ok)
      field.values.push_back(value);
    return ok;
  };
  if (wireType == elementType)
    return readOne(reader);
  if (wireType != kLengthDelimited)
    return false;
  const uint8_t *data;
  uint64_t size;
  if (!reader.bytes(data, size))
    return false;
  Reader packed(data, data + size);
  while (!packed.atEnd())
    if (!readOne(packed))
      return false;
  return true;
}

struct Decoded {
  Repeated dims, floats, int32s, int64s, doubles, uint64s;
  int64_t dataType = 0;
  std::string name;
  const uint8_t *raw = nullptr;
  uint64_t rawSize = 0;
  bool hasRaw = false, external = false, strings = false;
};

const char *decode(Reader &reader, Decoded &out) {
  while (!reader.atEnd()) {
    uint64_t key;
    if (!reader.varint(key) || (key >> 3) == 0 || (key >> 3) > UINT32_MAX)
      return "bad field key";
    uint32_t field = static_cast<uint32_t>(key >> 3);
    uint32_t wireType = static_cast<uint32_t>(key & 7);
    bool ok = true;
    const uint8_t *data;
    uint64_t size = 0, value = 0;
    switch (field) {
    case kDims:
      ok = readRepeated(reader, wireType, kVarint, out.dims);
      break;
    case kFloatData:
      ok = readRepeated(reader, wireType, kFixed32, out.floats);
      break;
    case kInt32Data:
      ok = readRepeated(reader, wireType, kVarint, out.int32s);
      break;
    case kInt64Data:
      ok = readRepeated(reader, wireType, kVarint, out.int64s);
      break;
    case kDoubleData:
      ok = readRepeated(reader, wireType, kFixed64, out.doubles);
      break;
    case kUInt64Data:
      ok = readRepeated(reader, wireType, kVarint, out.uint64s);
      break;
    case kDataType:
      ok = wireType == kVarint && reader.varint(value);
      out.dataType = static_cast<int64_t>(value);
      break;
    case kDataLocation:
      ok = wireType == kVarint && reader.varint(value);
      out.external |= ok && value == 1;
      break;
    case kName:
    case kRawData:
      ok = wireType == kLengthDelimited && reader.bytes(data, size);
      if (ok && field == kName)
        out.name.assign(reinterpret_cast<const char *>(data), size);
      if (ok && field == kRawData) {
        out.raw = data;
        out.rawSize = size;
        out.hasRaw = true;
      }
      break;
    case kExternalData:
      out.external = true;
      ok = reader.skip(wireType);
      break;
    case kStringData:
      out.strings = true;
      ok = reader.skip(wireType);
      break;
    default:
      ok = reader.skip(wireType);
      break;
    }
    if (!ok)
      return "truncated or malformed field";
  }
  return nullptr;
}

/// Stores the typed-field values `values` into `tensor`, `size` bytes each.
void storeTyped(qopt_rt_tensor &tensor, const std::vector<uint64_t> &values,
                size_t size) {
  auto *out = static_cast<uint8_t *>(tensor.data);
  for (size_t i = 0; i < values.size(); ++i)
    std::memcpy(out + i * size, &values[i], size); // Low bytes, little-endian.
}

/// Which typed field holds `dtype`, as ONNX's TensorProto documents it.
const Repeated *typedField(const Decoded &decoded, qopt_dtype dtype,
                           const char *&fieldName) {
  switch (dtype) {
  case QOPT_DTYPE_FLOAT:
    fieldName = "float_data";
    return &decoded.floats;
  case QOPT_DTYPE_DOUBLE:
    fieldName = "double_data";
    return &decoded.doubles;
  case QOPT_DTYPE_INT64:
    fieldName = "int64_data";
    return &decoded.int64s;
  case QOPT_DTYPE_UINT32:
  case QOPT_DTYPE_UINT64:
    fieldName = "uint64_data";
    return &decoded.uint64s;
  default: // int32 and narrower, bool, float16, bfloat16.
    fieldName = "int32_data";
    return &decoded.int32s;
  }
}

void putVarint(std::string &out, uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

void putKey(std::string &out, uint32_t field, uint32_t wireType) {
  putVarint(out, (static_cast<uint64_t>(field) << 3) | wireType);
}

void putBytes(std::string &out, uint32_t field, const void *data,
              size_t size) {
  putKey(out, field, kLengthDelimited);
  putVarint(out, size);
  out.append(static_cast<const char *>(data), size);
}

} // namespace

std::string qopt::rt::encodePb(const qopt_rt_tensor &tensor) {
  std::string out;
  // proto2 `repeated int64 dims` is not packed: one key per value.
  for (int64_t dim : tensor.dims) {
    putKey(out, kDims, kVarint);
    putVarint(out, static_cast<uint64_t>(dim));
  }
  putKey(out, kDataType, kVarint);
  putVarint(out, static_cast<uint64_t>(tensor.dtype));
  if (!tensor.name.empty())
    putBytes(out, kName, tensor.name.data(), tensor.name.size());
  putBytes(out, kRawData, tensor.data, tensor.nbytes);
  return out;
}

qopt_rt_tensor *qopt_rt_parse_pb(const void *bytes, size_t size,
                                 const char *what) {
  clearError();
  std::string source = what ? what : "<memory>";
  auto error = [&](const std::string &message) -> qopt_rt_tensor * {
    fail(source + ": " + message);
    return nullptr;
  };
  if (!bytes && size)
    return error("NULL data");
  const auto *begin = static_cast<const uint8_t *>(bytes);
  Reader reader(begin, begin + size);
  Decoded decoded;
  if (const char *message = decode(reader, decoded))
    return error(std::string("malformed TensorProto: ") + message);
  if (decoded.external)
    return error("external data is not supported");
  if (decoded.strings || decoded.dataType == 8)
    return error("string tensors are not supported");
  if (decoded.dataType == 0)
    return error("missing data_type");
  // Only codes inside the enum's range may be converted to it.
  if (decoded.dataType < 0 || decoded.dataType > QOPT_DTYPE_BFLOAT16 ||
      !qopt_rt_dtype_size(static_cast<qopt_dtype>(decoded.dataType)))
    return error("unsupported data_type " + std::to_string(decoded.dataType));
  auto dtype = static_cast<qopt_dtype>(decoded.dataType);
  if (decoded.dims.values.size() > QOPT_RT_MAX_RANK)
    return error("rank " + std::to_string(decoded.dims.values.size()) +
                 " exceeds the maximum of " +
                 std::to_string(QOPT_RT_MAX_RANK));
  std::vector<int64_t> dims;
  for (uint64_t dim : decoded.dims.values)
    dims.push_back(static_cast<int64_t>(dim));
  int64_t count;
  size_t nbytes;
  if (!computeSize(dtype, dims, count, nbytes))
    return error("bad dims " + formatDims(dims.data(), dims.size()));

  const char *fieldName;
  const Repeated *typed = typedField(decoded, dtype, fieldName);
  size_t available = decoded.hasRaw ? decoded.rawSize
                                    : typed->values.size() *
                                          qopt_rt_dtype_size(dtype);
  // Check the size before allocating, so a lying header cannot make us
  // allocate gigabytes.
  if (available != nbytes) {
    if (decoded.hasRaw)
      return error("raw_data has " + std::to_string(decoded.rawSize) +
                   " bytes, shape " + formatDims(dims.data(), dims.size()) +
                   " of " + qopt_rt_dtype_name(dtype) + " needs " +
                   std::to_string(nbytes));
    return error(std::string(fieldName) + " has " +
                 std::to_string(typed->values.size()) + " values, shape " +
                 formatDims(dims.data(), dims.size()) + " needs " +
                 std::to_string(count));
  }
  qopt_rt_tensor *tensor = newTensor(dtype, dims);
  if (!tensor)
    return error(qopt_rt_last_error());
  tensor->name = decoded.name;
  if (decoded.hasRaw) {
    if (nbytes)
      std::memcpy(tensor->data, decoded.raw, nbytes);
  } else {
    storeTyped(*tensor, typed->values, qopt_rt_dtype_size(dtype));
  }
  return tensor;
}

qopt_rt_tensor *qopt_rt_read_pb(const char *path) {
  clearError();
  std::string contents;
  if (!readFile(path, contents))
    return nullptr;
  return qopt_rt_parse_pb(contents.data(), contents.size(), path);
}

int qopt_rt_write_pb(const char *path, const qopt_rt_tensor *tensor) {
  clearError();
  std::string bytes = encodePb(*tensor);
  return writeFile(path, bytes.data(), bytes.size()) ? 0 : -1;
}

qopt_rt_tensor *qopt_rt_read_tensor_file(const char *path) {
  size_t length = std::strlen(path);
  if (length >= 4 && std::strcmp(path + length - 4, ".npy") == 0)
    return qopt_rt_read_npy(path);
  return qopt_rt_read_pb(path);
}

int qopt_rt_write_outputs_pb(const char *dir, int32_t count,
                             const qopt_rt_tensor *const *tensors) {
  clearError();
  std::vector<std::string> temps, finals;
  auto removeTemps = [&] {
    for (const std::string &temp : temps)
      unlink(temp.c_str());
  };
  for (int32_t i = 0; i < count; ++i) {
    std::string final = std::string(dir) + "/output_" + std::to_string(i) + ".pb";
    std::string temp = final + ".tmp.XXXXXX";
    int fd = mkstemp(temp.data());
    if (fd < 0) {
      removeTemps();
      return fail(final + ": cannot create: " + std::strerror(errno));
    }
    temps.push_back(temp);
    finals.push_back(final);
    std::string bytes = encodePb(*tensors[i]);
    size_t written = 0;
    while (written < bytes.size()) {
      ssize_t got = write(fd, bytes.data() + written, bytes.size() - written);
      if (got <= 0)
        break;
      written += static_cast<size_t>(got);
    }
    bool ok = close(fd) == 0 && written == bytes.size();
    if (!ok) {
      removeTemps();
      return fail(final + ": write error");
    }
  }
  for (size_t i = 0; i < temps.size(); ++i) {
    chmod(temps[i].c_str(), 0644);
    if (rename(temps[i].c_str(), finals[i].c_str()) != 0) {
      int saved = errno;
      // Undo: earlier renames stay complete files; remove what is left.
      temps.erase(temps.begin(), temps.begin() + i);
      removeTemps();
      return fail(finals[i] + ": cannot rename: " + std::strerror(saved));
    }
  }
  return 0;
}
