//===- Dataset.cpp - Calibration datasets ---------------------------------===//
//
// ONNX test-data directories, .npy directories, .npz archives (stored or
// deflated entries; zlib when the build has it) and raw token-id files, bound
// to a model's inputs and read sample by sample. See runtime.h.
//
//===----------------------------------------------------------------------===//

#include "Internal.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <sys/stat.h>

#ifdef QOPT_RT_HAVE_ZLIB
#include <zlib.h>
#endif

using namespace qopt::rt;

namespace {

struct TensorPtr {
  qopt_rt_tensor *tensor = nullptr;
  TensorPtr() = default;
  explicit TensorPtr(qopt_rt_tensor *t) : tensor(t) {}
  TensorPtr(TensorPtr &&o) noexcept : tensor(o.tensor) { o.tensor = nullptr; }
  TensorPtr &operator=(TensorPtr &&o) noexcept {
    std::swap(tensor, o.tensor);
    return *this;
  }
  ~TensorPtr() { qopt_rt_tensor_free(tensor); }
  qopt_rt_tensor *release() {
    qopt_rt_tensor *t = tensor;
    tensor = nullptr;
    return t;
  }
};

struct Input {
  std::string name;
  qopt_dtype dtype;
  std::vector<int64_t> dims;
};

/// How one input's samples come out of an .npy / .npz array.
struct ArraySource {
  size_t array = 0;      // Index into qopt_rt_dataset::arrays.
  int64_t rowsPerSample; // Rows of dim 0 per sample.
  bool dropLeadingDim;   // rank(array) == rank(input) + 1.
};

bool isDirectory(const std::string &path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool endsWith(const std::string &s, const char *suffix) {
  size_t n = std::strlen(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

/// Sorted entry names of a directory (without "." and ".."); false with an
/// error when it cannot be read.
bool listDirectory(const std::string &path, std::vector<std::string> &names) {
  DIR *dir = ::opendir(path.c_str());
  if (!dir) {
    failf("%s: cannot open the dataset directory: %s", path.c_str(),
          std::strerror(errno));
    return false;
  }
  names.clear();
  while (struct dirent *entry = ::readdir(dir)) {
    std::string name = entry->d_name;
    if (name != "." && name != "..")
      names.push_back(name);
  }
  ::closedir(dir);
  std::sort(names.begin(), names.end());
  return true;
}

/// The number after `prefix` in `name` ("test_data_set_12" -> 12), or -1.
int64_t numberAfter(const std::string &name, const char *prefix,
                    const char *suffix = "") {
  size_t p = std::strlen(prefix), s = std::strlen(suffix);
  if (name.size() <= p + s || name.compare(0, p, prefix) != 0 ||
      !endsWith(name, suffix))
    return -1;
  std::string digits = name.substr(p, name.size() - p - s);
  if (digits.empty() || digits.size() > 9 ||
      digits.find_first_not_of("0123456789") != std::string::npos)
    return -1;
  return std::atoll(digits.c_str());
}

bool isFloat(qopt_dtype dtype) {
  return dtype == QOPT_DTYPE_FLOAT || dtype == QOPT_DTYPE_DOUBLE ||
         dtype == QOPT_DTYPE_FLOAT16 || dtype == QOPT_DTYPE_BFLOAT16;
}

/// Fails on the first NaN / Inf of a float tensor.
bool checkFinite(const qopt_rt_tensor *tensor, const std::string &what,
                 const std::string &input) {
  if (!isFloat(tensor->dtype))
    return true;
  int64_t n = qopt_rt_tensor_num_elements(tensor);
  for (int64_t i = 0; i < n; ++i) {
    double v = qopt_rt_tensor_get_double(tensor, i);
    if (!std::isfinite(v)) {
      failf("%s: input '%s' element %lld is %s (the dataset rejects "
            "non-finite values)",
            what.c_str(), input.c_str(), static_cast<long long>(i),
            std::isnan(v) ? "NaN" : "infinite");
      return false;
    }
  }
  return true;
}

/// Checks dtype, rank and static dims of a sample tensor against an input.
bool checkAgainstInput(const Input &input, qopt_dtype dtype,
                       const std::vector<int64_t> &dims,
                       const std::string &what) {
  if (dtype != input.dtype) {
    failf("%s: input '%s': expected %s, got %s", what.c_str(),
          input.name.c_str(), qopt_rt_dtype_name(input.dtype),
          qopt_rt_dtype_name(dtype));
    return false;
  }
  if (dims.size() != input.dims.size()) {
    fail(what + ": input '" + input.name + "': expected shape " +
         formatDims(input.dims.data(), input.dims.size()) + ", got " +
         formatDims(dims.data(), dims.size()));
    return false;
  }
  for (size_t d = 0; d < dims.size(); ++d)
    if (input.dims[d] >= 0 && input.dims[d] != dims[d]) {
      failf("%s: input '%s' dim %zu: expected %lld, got %lld", what.c_str(),
            input.name.c_str(), d, static_cast<long long>(input.dims[d]),
            static_cast<long long>(dims[d]));
      return false;
    }
  return true;
}

//===----------------------------------------------------------------------===//
// .npz (zip) reading
//===----------------------------------------------------------------------===//

uint32_t le16(const std::string &s, size_t at) {
  return uint8_t(s[at]) | (uint32_t(uint8_t(s[at + 1])) << 8);
}
uint32_t le32(const std::string &s, size_t at) {
  return le16(s, at) | (le16(s, at + 2) << 16);
}
uint64_t le64(const std::string &s, size_t at) {
  return le32(s, at) | (uint64_t(le32(s, at + 4)) << 32);
}

#ifndef QOPT_RT_HAVE_ZLIB
/// Table-driven CRC-32 (the zip polynomial) for builds without zlib.
uint32_t crc32Bytes(const unsigned char *data, size_t size) {
  static uint32_t table[256];
  static bool ready = false;
  if (!ready) {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k)
        c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      table[i] = c;
    }
    ready = true;
  }
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < size; ++i)
    c = table[(c ^ data[i]) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}
#else
uint32_t crc32Bytes(const unsigned char *data, size_t size) {
  uLong c = crc32(0L, Z_NULL, 0);
  while (size > 0) {
    uInt chunk = static_cast<uInt>(std::min<size_t>(size, 1u << 30));
    c = crc32(c, data, chunk);
    data += chunk;
    size -= chunk;
  }
  return static_cast<uint32_t>(c);
}
#endif

/// Reads every `NAME.npy` entry of an .npz archive.
bool readNpz(const std::string &path,
             std::vector<std::pair<std::string, TensorPtr>> &arrays) {
  std::string zip;
  if (!readFile(path.c_str(), zip))
    return false;
  auto error = [&](const std::string &message) {
    fail(path + ": " + message);
    return false;
  };
  // End of central directory: the last "PK\5\6" within 64 KiB + 22 bytes.
  if (zip.size() < 22)
    return error("not an .npz file (too short for a zip archive)");
  size_t eocd = std::string::npos;
  for (size_t at = zip.size() - 22;; --at) {
    if (le32(zip, at) == 0x06054b50) {
      eocd = at;
      break;
    }
    if (at == 0 || zip.size() - at > 65535 + 22)
      break;
  }
  if (eocd == std::string::npos)
    return error("not an .npz file (no zip end-of-central-directory record)");
  uint64_t entries = le16(zip, eocd + 10);
  uint64_t cdOffset = le32(zip, eocd + 16);
  if (cdOffset == 0xFFFFFFFFu || entries == 0xFFFF) {
    // ZIP64: locator 20 bytes before the EOCD.
    if (eocd < 20 || le32(zip, eocd - 20) != 0x07064b50)
      return error("bad ZIP64 end-of-central-directory locator");
    uint64_t z64 = le64(zip, eocd - 12);
    if (z64 > zip.size() - 56 || le32(zip, z64) != 0x06064b50)
      return error("bad ZIP64 end-of-central-directory record");
    entries = le64(zip, z64 + 32);
    cdOffset = le64(zip, z64 + 48);
  }
  if (entries == 0)
    return error("empty dataset: the archive has no arrays");
  size_t at = cdOffset;
  for (uint64_t e = 0; e < entries; ++e) {
    if (at > zip.size() || zip.size() - at < 46 || le32(zip, at) != 0x02014b50)
      return error("corrupt zip central directory");
    uint32_t flags = le16(zip, at + 8), method = le16(zip, at + 10);
    uint32_t crc = le32(zip, at + 16);
    uint64_t compressed = le32(zip, at + 20), size = le32(zip, at + 24);
    uint32_t nameLength = le16(zip, at + 28), extraLength = le16(zip, at + 30),
             commentLength = le16(zip, at + 32);
    uint64_t local = le32(zip, at + 42);
    if (zip.size() - at - 46 <
        uint64_t(nameLength) + extraLength + commentLength)
      return error("corrupt zip central directory");
    std::string name = zip.substr(at + 46, nameLength);
    // ZIP64 extra field: the 0xFFFFFFFF fields in order.
    size_t extra = at + 46 + nameLength, extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      uint32_t id = le16(zip, extra), length = le16(zip, extra + 2);
      if (extra + 4 + length > extraEnd)
        break;
      if (id == 0x0001) {
        size_t f = extra + 4, fEnd = f + length;
        if (size == 0xFFFFFFFFu && f + 8 <= fEnd) {
          size = le64(zip, f);
          f += 8;
        }
        if (compressed == 0xFFFFFFFFu && f + 8 <= fEnd) {
          compressed = le64(zip, f);
          f += 8;
        }
        if (local == 0xFFFFFFFFu && f + 8 <= fEnd) {
          local = le64(zip, f);
          f += 8;
        }
      }
      extra += 4 + length;
    }
    at += 46 + uint64_t(nameLength) + extraLength + commentLength;
    if (flags & 1)
      return error("entry '" + name + "' is encrypted");
    if (local > zip.size() || zip.size() - local < 30 ||
        le32(zip, local) != 0x04034b50)
      return error("entry '" + name + "': bad local header");
    uint64_t data = local + 30 + le16(zip, local + 26) + le16(zip, local + 28);
    if (data > zip.size() || zip.size() - data < compressed)
      return error("entry '" + name + "' is truncated");
    std::string bytes;
    if (method == 0) {
      if (compressed != size)
        return error("entry '" + name + "': stored sizes differ");
      bytes = zip.substr(data, size);
    } else if (method == 8) {
#ifdef QOPT_RT_HAVE_ZLIB
      bytes.resize(size);
      z_stream stream{};
      if (inflateInit2(&stream, -MAX_WBITS) != Z_OK)
        return error("zlib inflateInit2 failed");
      stream.next_in = reinterpret_cast<Bytef *>(&zip[data]);
      stream.avail_in = static_cast<uInt>(compressed);
      stream.next_out = reinterpret_cast<Bytef *>(&bytes[0]);
      stream.avail_out = static_cast<uInt>(size);
      int rc = inflate(&stream, Z_FINISH);
      uLong produced = stream.total_out;
      inflateEnd(&stream);
      if (rc != Z_STREAM_END || produced != size)
        return error("entry '" + name + "': corrupt deflate data");
#else
      return error("entry '" + name +
                   "' is deflated (np.savez_compressed) but this runtime was "
                   "built without zlib; save with np.savez");
#endif
    } else {
      return error("entry '" + name + "' uses zip compression method " +
                   std::to_string(method) + " (only stored and deflate)");
    }
    if (crc32Bytes(reinterpret_cast<const unsigned char *>(bytes.data()),
                   bytes.size()) != crc)
      return error("entry '" + name + "': CRC mismatch (corrupt archive)");
    if (!endsWith(name, ".npy"))
      continue;
    TensorPtr tensor(parseNpy(bytes, path + ":" + name));
    if (!tensor.tensor)
      return false;
    std::string arrayName = name.substr(0, name.size() - 4);
    qopt_rt_tensor_set_name(tensor.tensor, arrayName.c_str());
    arrays.emplace_back(arrayName, std::move(tensor));
  }
  if (arrays.empty())
    return error("empty dataset: the archive has no .npy entries");
  return true;
}

} // namespace

struct qopt_rt_dataset {
  qopt_rt_dataset_kind kind = QOPT_RT_DATASET_AUTO;
  std::string path;
  bool rejectNonFinite = false;
  int64_t maxSamples = 0;
  // ONNX_DIR: test_data_set_* directories in numeric order.
  std::vector<std::string> sets;
  // NPY_DIR / NPZ: the arrays and the file each came from.
  std::vector<std::pair<std::string, TensorPtr>> arrays;
  std::vector<std::string> arrayFiles;
  // TOKENS.
  std::vector<int64_t> tokens;
  int64_t window = 0;
  std::string tokenInput;
  // Binding.
  bool bound = false;
  std::vector<Input> inputs;
  std::vector<int64_t> fileIndex;        // ONNX_DIR: input j <- input_<k>.pb.
  std::vector<ArraySource> arraySources; // NPY_DIR / NPZ.
  enum TokenRole { Tokens, Ones, Positions };
  std::vector<TokenRole> tokenRoles; // TOKENS.
  int64_t numSamples = -1;
  int64_t cursor = 0;
};

namespace {

bool openOnnxDir(qopt_rt_dataset &ds) {
  std::vector<std::string> names;
  if (!listDirectory(ds.path, names))
    return false;
  std::vector<std::pair<int64_t, std::string>> sets;
  for (const std::string &name : names) {
    int64_t index = numberAfter(name, "test_data_set_");
    if (index >= 0 && isDirectory(ds.path + "/" + name))
      sets.emplace_back(index, ds.path + "/" + name);
  }
  std::sort(sets.begin(), sets.end());
  if (sets.empty())
    return fail(ds.path + ": empty dataset: no test_data_set_* directories"),
           false;
  for (auto &set : sets)
    ds.sets.push_back(set.second);
  ds.numSamples = static_cast<int64_t>(ds.sets.size());
  return true;
}

bool openNpyDir(qopt_rt_dataset &ds) {
  std::vector<std::string> names;
  if (!listDirectory(ds.path, names))
    return false;
  for (const std::string &name : names) {
    if (!endsWith(name, ".npy"))
      continue;
    std::string file = ds.path + "/" + name;
    TensorPtr tensor(qopt_rt_read_npy(file.c_str()));
    if (!tensor.tensor)
      return false;
    ds.arrays.emplace_back(name.substr(0, name.size() - 4), std::move(tensor));
    ds.arrayFiles.push_back(file);
  }
  if (ds.arrays.empty())
    return fail(ds.path + ": empty dataset: no .npy files"), false;
  return true;
}

bool openNpz(qopt_rt_dataset &ds) {
  if (!readNpz(ds.path, ds.arrays))
    return false;
  for (auto &array : ds.arrays)
    ds.arrayFiles.push_back(ds.path + ":" + array.first + ".npy");
  return true;
}

bool openTokens(qopt_rt_dataset &ds, const qopt_rt_dataset_options &options) {
  if (options.window < 1)
    return failf("%s: token dataset needs a window >= 1 (got %lld)",
                 ds.path.c_str(), static_cast<long long>(options.window)),
           false;
  size_t size = qopt_rt_dtype_size(options.token_dtype);
  if (options.token_dtype != QOPT_DTYPE_UINT8 &&
      options.token_dtype != QOPT_DTYPE_UINT16 &&
      options.token_dtype != QOPT_DTYPE_INT32)
    return failf("%s: token dtype must be uint8, uint16 or int32 (got %s)",
                 ds.path.c_str(), qopt_rt_dtype_name(options.token_dtype)),
           false;
  std::string bytes;
  if (!readFile(ds.path.c_str(), bytes))
    return false;
  if (bytes.size() % size != 0)
    return failf("%s: %zu bytes is not a whole number of %s token ids "
                 "(truncated file?)",
                 ds.path.c_str(), bytes.size(),
                 qopt_rt_dtype_name(options.token_dtype)),
           false;
  size_t count = bytes.size() / size;
  ds.tokens.resize(count);
  for (size_t i = 0; i < count; ++i) {
    const unsigned char *p =
        reinterpret_cast<const unsigned char *>(bytes.data()) + i * size;
    if (size == 1) {
      ds.tokens[i] = p[0];
    } else if (size == 2) {
      ds.tokens[i] = p[0] | (p[1] << 8);
    } else {
      int32_t v;
      std::memcpy(&v, p, 4);
      if (v < 0)
        return failf("%s: token %zu is negative (%d)", ds.path.c_str(), i, v),
               false;
      ds.tokens[i] = v;
    }
  }
  ds.window = options.window;
  ds.numSamples = static_cast<int64_t>(count) / options.window;
  if (ds.numSamples == 0)
    return failf("%s: empty dataset: %zu tokens, fewer than one window of "
                 "%lld",
                 ds.path.c_str(), count, static_cast<long long>(ds.window)),
           false;
  if (options.token_input)
    ds.tokenInput = options.token_input;
  return true;
}

/// Binds .npy / .npz arrays to the inputs.
bool bindArrays(qopt_rt_dataset &ds) {
  // By name when every input has an array of its name, else by position.
  auto findArray = [&](const std::string &name) -> int64_t {
    for (size_t a = 0; a < ds.arrays.size(); ++a)
      if (ds.arrays[a].first == name)
        return static_cast<int64_t>(a);
    return -1;
  };
  bool byName = true;
  for (const Input &input : ds.inputs)
    byName &= findArray(input.name) >= 0;
  ds.arraySources.clear();
  int64_t samples = -1;
  for (size_t j = 0; j < ds.inputs.size(); ++j) {
    const Input &input = ds.inputs[j];
    std::string positional = "input_" + std::to_string(j);
    int64_t a = byName ? findArray(input.name) : findArray(positional);
    if (a < 0)
      return fail(ds.path + ": missing input '" + input.name + "': no array '" +
                  input.name + "' (or '" + positional + "')"),
             false;
    const qopt_rt_tensor *array = ds.arrays[a].second.tensor;
    const std::string &file = ds.arrayFiles[a];
    ArraySource source;
    source.array = static_cast<size_t>(a);
    size_t rank = input.dims.size();
    int64_t count;
    std::vector<int64_t> sampleDims;
    if (array->dims.size() == rank + 1) {
      source.dropLeadingDim = true;
      source.rowsPerSample = 1;
      count = array->dims[0];
      sampleDims.assign(array->dims.begin() + 1, array->dims.end());
    } else if (array->dims.size() == rank) {
      source.dropLeadingDim = false;
      if (rank == 0 || input.dims[0] < 0) {
        source.rowsPerSample = rank == 0 ? 1 : array->dims[0];
        count = 1;
      } else {
        source.rowsPerSample = input.dims[0];
        if (input.dims[0] == 0 || array->dims[0] % input.dims[0] != 0)
          return failf("%s: input '%s': dim 0 of %lld is not a multiple of the "
                       "input's batch %lld",
                       file.c_str(), input.name.c_str(),
                       static_cast<long long>(array->dims[0]),
                       static_cast<long long>(input.dims[0])),
                 false;
        count = array->dims[0] / input.dims[0];
      }
      sampleDims = array->dims;
      if (rank > 0)
        sampleDims[0] = source.rowsPerSample;
    } else {
      return fail(file + ": input '" + input.name + "': array of shape " +
                  formatDims(array->dims.data(), array->dims.size()) +
                  " matches neither the input's shape " +
                  formatDims(input.dims.data(), input.dims.size()) +
                  " nor a stack of samples of it"),
             false;
    }
    if (!checkAgainstInput(input, array->dtype, sampleDims, file))
      return false;
    if (ds.rejectNonFinite && !checkFinite(array, file, input.name))
      return false;
    if (count == 0)
      return fail(file + ": empty dataset: no samples for input '" +
                  input.name + "'"),
             false;
    if (samples >= 0 && count != samples)
      return failf("%s: input '%s' has %lld samples, the other inputs %lld",
                   file.c_str(), input.name.c_str(),
                   static_cast<long long>(count),
                   static_cast<long long>(samples)),
             false;
    samples = count;
    ds.arraySources.push_back(source);
  }
  ds.numSamples = samples;
  return true;
}

bool bindTokens(qopt_rt_dataset &ds) {
  int64_t target = -1;
  for (size_t j = 0; j < ds.inputs.size(); ++j)
    if (!ds.tokenInput.empty() ? ds.inputs[j].name == ds.tokenInput
                               : ds.inputs[j].name == "input_ids")
      target = static_cast<int64_t>(j);
  if (target < 0) {
    if (!ds.tokenInput.empty())
      return fail(ds.path + ": the model has no input '" + ds.tokenInput +
                  "' for the tokens"),
             false;
    target = 0;
  }
  ds.tokenRoles.assign(ds.inputs.size(), qopt_rt_dataset::Tokens);
  for (size_t j = 0; j < ds.inputs.size(); ++j) {
    const Input &input = ds.inputs[j];
    if (int64_t(j) != target) {
      if (input.name == "attention_mask")
        ds.tokenRoles[j] = qopt_rt_dataset::Ones;
      else if (input.name == "position_ids")
        ds.tokenRoles[j] = qopt_rt_dataset::Positions;
      else
        return fail(ds.path + ": missing input '" + input.name +
                    "': a token dataset fills only the token input, "
                    "attention_mask and position_ids"),
               false;
    }
    if (input.dtype != QOPT_DTYPE_INT64 && input.dtype != QOPT_DTYPE_INT32)
      return failf("%s: input '%s': expected int64 or int32 for token ids, "
                   "the model has %s",
                   ds.path.c_str(), input.name.c_str(),
                   qopt_rt_dtype_name(input.dtype)),
             false;
    std::vector<int64_t> dims = {1, ds.window};
    if (input.dims.size() == 1)
      dims = {ds.window};
    if (!checkAgainstInput(input, input.dtype, dims, ds.path))
      return false;
  }
  return true;
}

/// Builds sample `index` of input `j` from the bound source.
qopt_rt_tensor *readSampleInput(qopt_rt_dataset &ds, int64_t index, size_t j,
                                std::vector<TensorPtr> &setTensors) {
  const Input &input = ds.inputs[j];
  switch (ds.kind) {
  case QOPT_RT_DATASET_ONNX_DIR: {
    TensorPtr &t = setTensors[ds.fileIndex[j]];
    return t.release();
  }
  case QOPT_RT_DATASET_NPY_DIR:
  case QOPT_RT_DATASET_NPZ: {
    const ArraySource &source = ds.arraySources[j];
    const qopt_rt_tensor *array = ds.arrays[source.array].second.tensor;
    std::vector<int64_t> dims;
    if (source.dropLeadingDim)
      dims.assign(array->dims.begin() + 1, array->dims.end());
    else {
      dims = array->dims;
      if (!dims.empty())
        dims[0] = source.rowsPerSample;
    }
    qopt_rt_tensor *t = newTensor(array->dtype, dims);
    if (!t)
      return nullptr;
    std::memcpy(t->data,
                static_cast<const char *>(array->data) + index * t->nbytes,
                t->nbytes);
    return t;
  }
  case QOPT_RT_DATASET_TOKENS: {
    std::vector<int64_t> dims = {1, ds.window};
    if (input.dims.size() == 1)
      dims = {ds.window};
    qopt_rt_tensor *t = newTensor(input.dtype, dims);
    if (!t)
      return nullptr;
    for (int64_t i = 0; i < ds.window; ++i) {
      int64_t v = ds.tokenRoles[j] == qopt_rt_dataset::Ones ? 1
                  : ds.tokenRoles[j] == qopt_rt_dataset::Positions
                      ? i
                      : ds.tokens[index * ds.window + i];
      if (input.dtype == QOPT_DTYPE_INT64)
        static_cast<int64_t *>(t->data)[i] = v;
      else
        static_cast<int32_t *>(t->data)[i] = static_cast<int32_t>(v);
    }
    return t;
  }
  default:
    fail("dataset has no source");
    return nullptr;
  }
}

/// ONNX_DIR: reads input_<k>.pb of one set (all of them, in k order).
bool readSet(qopt_rt_dataset &ds, int64_t index, std::vector<TensorPtr> &out,
             std::vector<std::string> *files = nullptr) {
  std::vector<std::string> names;
  if (!listDirectory(ds.sets[index], names))
    return false;
  std::vector<std::pair<int64_t, std::string>> inputs;
  for (const std::string &name : names) {
    int64_t k = numberAfter(name, "input_", ".pb");
    if (k >= 0)
      inputs.emplace_back(k, ds.sets[index] + "/" + name);
  }
  std::sort(inputs.begin(), inputs.end());
  for (size_t k = 0; k < inputs.size(); ++k)
    if (inputs[k].first != int64_t(k))
      return fail(ds.sets[index] + ": missing input_" + std::to_string(k) +
                  ".pb"),
             false;
  out.clear();
  for (auto &input : inputs) {
    TensorPtr t(qopt_rt_read_pb(input.second.c_str()));
    if (!t.tensor)
      return false;
    out.push_back(std::move(t));
    if (files)
      files->push_back(input.second);
  }
  return true;
}

} // namespace

qopt_rt_dataset *qopt_rt_dataset_open(const char *path,
                                      const qopt_rt_dataset_options *options) {
  clearError();
  qopt_rt_dataset_options defaults{};
  if (!options)
    options = &defaults;
  if (!path || !*path) {
    fail("dataset: no path given");
    return nullptr;
  }
  auto ds = std::make_unique<qopt_rt_dataset>();
  ds->path = path;
  while (ds->path.size() > 1 && ds->path.back() == '/')
    ds->path.pop_back();
  ds->rejectNonFinite = options->reject_nonfinite != 0;
  ds->maxSamples = options->max_samples;
  ds->kind = options->kind;
  struct stat st;
  if (::stat(ds->path.c_str(), &st) != 0) {
    failf("%s: cannot open the dataset: %s", ds->path.c_str(),
          std::strerror(errno));
    return nullptr;
  }
  if (ds->kind == QOPT_RT_DATASET_AUTO) {
    if (S_ISDIR(st.st_mode)) {
      std::vector<std::string> names;
      if (!listDirectory(ds->path, names))
        return nullptr;
      ds->kind = QOPT_RT_DATASET_NPY_DIR;
      for (const std::string &name : names)
        if (numberAfter(name, "test_data_set_") >= 0)
          ds->kind = QOPT_RT_DATASET_ONNX_DIR;
    } else if (endsWith(ds->path, ".npz")) {
      ds->kind = QOPT_RT_DATASET_NPZ;
    } else {
      failf("%s: cannot tell the dataset kind (a directory of "
            "test_data_set_* or .npy files, or an .npz file; a token file "
            "needs kind TOKENS)",
            ds->path.c_str());
      return nullptr;
    }
  }
  bool ok = false;
  switch (ds->kind) {
  case QOPT_RT_DATASET_ONNX_DIR:
    ok = openOnnxDir(*ds);
    break;
  case QOPT_RT_DATASET_NPY_DIR:
    ok = openNpyDir(*ds);
    break;
  case QOPT_RT_DATASET_NPZ:
    ok = openNpz(*ds);
    break;
  case QOPT_RT_DATASET_TOKENS:
    ok = openTokens(*ds, *options);
    break;
  default:
    failf("%s: unknown dataset kind %d", ds->path.c_str(), int(ds->kind));
  }
  if (!ok)
    return nullptr;
  return ds.release();
}

void qopt_rt_dataset_free(qopt_rt_dataset *dataset) { delete dataset; }

int qopt_rt_dataset_bind(qopt_rt_dataset *ds, int32_t count,
                         const qopt_rt_io_info *inputs) {
  clearError();
  if (!ds || count < 1 || !inputs)
    return fail("dataset bind: no inputs given");
  ds->bound = false;
  ds->inputs.clear();
  for (int32_t j = 0; j < count; ++j) {
    Input input;
    input.name = inputs[j].name ? inputs[j].name : "";
    input.dtype = inputs[j].dtype;
    if (inputs[j].rank < 0 || (inputs[j].rank > 0 && !inputs[j].dims))
      return fail("dataset bind: input '" + input.name + "' has a bad rank");
    input.dims.assign(inputs[j].dims, inputs[j].dims + inputs[j].rank);
    ds->inputs.push_back(std::move(input));
  }
  switch (ds->kind) {
  case QOPT_RT_DATASET_ONNX_DIR: {
    std::vector<TensorPtr> set;
    std::vector<std::string> files;
    if (!readSet(*ds, 0, set, &files))
      return -1;
    // By name when every input is found among the TensorProto names.
    ds->fileIndex.assign(count, -1);
    bool byName = true;
    for (int32_t j = 0; j < count; ++j) {
      for (size_t k = 0; k < set.size(); ++k)
        if (ds->inputs[j].name == set[k].tensor->name)
          ds->fileIndex[j] = static_cast<int64_t>(k);
      byName &= ds->fileIndex[j] >= 0;
    }
    for (int32_t j = 0; j < count; ++j) {
      if (!byName)
        ds->fileIndex[j] = j;
      if (ds->fileIndex[j] >= int64_t(set.size()))
        return fail(ds->sets[0] + ": missing input '" + ds->inputs[j].name +
                    "' (no input_" + std::to_string(j) + ".pb)");
      size_t k = ds->fileIndex[j];
      if (!checkAgainstInput(ds->inputs[j], set[k].tensor->dtype,
                             set[k].tensor->dims, files[k]))
        return -1;
    }
    break;
  }
  case QOPT_RT_DATASET_NPY_DIR:
  case QOPT_RT_DATASET_NPZ:
    if (!bindArrays(*ds))
      return -1;
    break;
  case QOPT_RT_DATASET_TOKENS:
    if (!bindTokens(*ds))
      return -1;
    break;
  default:
    return fail("dataset has no source");
  }
  if (ds->maxSamples > 0)
    ds->numSamples = std::min(ds->numSamples, ds->maxSamples);
  ds->bound = true;
  ds->cursor = 0;
  return 0;
}

int qopt_rt_dataset_bind_model(qopt_rt_dataset *ds,
                               const qopt_rt_model *model) {
  clearError();
  if (!ds || !model)
    return fail("dataset bind: no dataset or model");
  std::vector<qopt_rt_io_info> inputs;
  for (int32_t j = 0; j < qopt_rt_model_num_inputs(model); ++j)
    inputs.push_back(*qopt_rt_model_input(model, j));
  return qopt_rt_dataset_bind(ds, static_cast<int32_t>(inputs.size()),
                              inputs.data());
}

int64_t qopt_rt_dataset_num_samples(const qopt_rt_dataset *ds) {
  if (!ds)
    return -1;
  if (ds->bound || ds->kind == QOPT_RT_DATASET_ONNX_DIR ||
      ds->kind == QOPT_RT_DATASET_TOKENS)
    return ds->maxSamples > 0 && ds->numSamples >= 0
               ? std::min(ds->numSamples, ds->maxSamples)
               : ds->numSamples;
  return -1;
}

int qopt_rt_dataset_get(qopt_rt_dataset *ds, int64_t index,
                        qopt_rt_tensor **tensors) {
  clearError();
  if (!ds || !tensors)
    return fail("dataset get: no dataset or output array");
  if (!ds->bound)
    return fail(ds->path + ": dataset is not bound to model inputs");
  size_t count = ds->inputs.size();
  for (size_t j = 0; j < count; ++j)
    tensors[j] = nullptr;
  if (index < 0 || index >= ds->numSamples)
    return failf("%s: sample %lld out of range [0, %lld)", ds->path.c_str(),
                 static_cast<long long>(index),
                 static_cast<long long>(ds->numSamples));
  std::vector<TensorPtr> set, result;
  std::vector<std::string> files;
  if (ds->kind == QOPT_RT_DATASET_ONNX_DIR && !readSet(*ds, index, set, &files))
    return -1;
  for (size_t j = 0; j < count; ++j) {
    const Input &input = ds->inputs[j];
    std::string what;
    if (ds->kind == QOPT_RT_DATASET_ONNX_DIR) {
      if (ds->fileIndex[j] >= int64_t(set.size()))
        return fail(ds->sets[index] + ": missing input '" + input.name +
                    "' (no input_" + std::to_string(ds->fileIndex[j]) + ".pb)");
      what = files[ds->fileIndex[j]];
      if (!checkAgainstInput(input, set[ds->fileIndex[j]].tensor->dtype,
                             set[ds->fileIndex[j]].tensor->dims, what))
        return -1;
      if (ds->rejectNonFinite &&
          !checkFinite(set[ds->fileIndex[j]].tensor, what, input.name))
        return -1;
    }
    TensorPtr t(readSampleInput(*ds, index, j, set));
    if (!t.tensor)
      return -1;
    qopt_rt_tensor_set_name(t.tensor, input.name.c_str());
    result.push_back(std::move(t));
  }
  for (size_t j = 0; j < count; ++j)
    tensors[j] = result[j].release();
  return 0;
}

int qopt_rt_dataset_next(qopt_rt_dataset *ds, qopt_rt_tensor **tensors) {
  if (ds && ds->bound && ds->cursor >= ds->numSamples)
    return 0;
  int rc = qopt_rt_dataset_get(ds, ds ? ds->cursor : 0, tensors);
  if (rc != 0)
    return -1;
  ++ds->cursor;
  return 1;
}

void qopt_rt_dataset_reset(qopt_rt_dataset *ds) {
  if (ds)
    ds->cursor = 0;
}

int32_t qopt_rt_read_npz(const char *path, qopt_rt_tensor ***tensors) {
  clearError();
  if (!path || !tensors)
    return fail("read npz: no path or output");
  std::vector<std::pair<std::string, TensorPtr>> arrays;
  if (!readNpz(path, arrays))
    return -1;
  auto **out = static_cast<qopt_rt_tensor **>(
      std::malloc(sizeof(qopt_rt_tensor *) * arrays.size()));
  if (!out)
    return fail(std::string(path) + ": out of memory");
  for (size_t i = 0; i < arrays.size(); ++i)
    out[i] = arrays[i].second.release();
  *tensors = out;
  return static_cast<int32_t>(arrays.size());
}
