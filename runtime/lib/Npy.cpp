//===- Npy.cpp - NumPy .npy reader and writer -----------------------------===//
//
// Format: "\x93NUMPY", major, minor, header length (2 bytes for 1.0, 4 for
// 2.0 / 3.0, little-endian), a Python dict literal
// {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), } padded with
// spaces and '\n', then the data.
//
//===----------------------------------------------------------------------===//

#include "Internal.h"

#include <cstdlib>
#include <cstring>

using namespace qopt::rt;

namespace {

struct NpyType {
  qopt_dtype dtype;
  char kind;  // NumPy kind character.
  int size;   // Bytes.
};
constexpr NpyType kNpyTypes[] = {
    {QOPT_DTYPE_FLOAT, 'f', 4},  {QOPT_DTYPE_DOUBLE, 'f', 8},
    {QOPT_DTYPE_FLOAT16, 'f', 2}, {QOPT_DTYPE_INT8, 'i', 1},
    {QOPT_DTYPE_UINT8, 'u', 1},  {QOPT_DTYPE_INT16, 'i', 2},
    {QOPT_DTYPE_UINT16, 'u', 2}, {QOPT_DTYPE_INT32, 'i', 4},
    {QOPT_DTYPE_UINT32, 'u', 4}, {QOPT_DTYPE_INT64, 'i', 8},
    {QOPT_DTYPE_UINT64, 'u', 8}, {QOPT_DTYPE_BOOL, 'b', 1},
};

/// Finds `'key':` in the header dict and returns the position after it.
const char *findKey(const std::string &header, const char *key) {
  std::string quoted[2] = {std::string("'") + key + "'",
                           std::string("\"") + key + "\""};
  for (const std::string &text : quoted) {
    size_t at = header.find(text);
    if (at == std::string::npos)
      continue;
    at += text.size();
    while (at < header.size() && header[at] == ' ')
      ++at;
    if (at < header.size() && header[at] == ':')
      return header.c_str() + at + 1;
  }
  return nullptr;
}

const char *skipSpaces(const char *p) {
  while (*p == ' ')
    ++p;
  return p;
}

/// Parses the header dict; returns an error message or nullptr.
const char *parseHeader(const std::string &header, qopt_dtype &dtype,
                        std::vector<int64_t> &dims) {
  const char *p = findKey(header, "descr");
  if (!p)
    return "header has no 'descr'";
  p = skipSpaces(p);
  if (*p != '\'' && *p != '"')
    return "'descr' is not a string (structured dtypes are not supported)";
  char quote = *p++;
  const char *end = std::strchr(p, quote);
  if (!end)
    return "unterminated 'descr'";
  std::string descr(p, end);
  if (descr.size() < 2)
    return "unsupported 'descr'";
  char order = descr[0];
  char kind = descr[1];
  int size = std::atoi(descr.c_str() + 2);
  if (order == '>' && size > 1)
    return "big-endian data is not supported";
  if (order != '<' && order != '|' && order != '=' && order != '>')
    return "unsupported 'descr'";
  dtype = QOPT_DTYPE_UNDEFINED;
  for (const NpyType &type : kNpyTypes)
    if (type.kind == kind && type.size == size)
      dtype = type.dtype;
  if (dtype == QOPT_DTYPE_UNDEFINED)
    return "unsupported 'descr' (not a numeric or bool dtype)";

  p = findKey(header, "fortran_order");
  if (!p)
    return "header has no 'fortran_order'";
  p = skipSpaces(p);
  if (std::strncmp(p, "True", 4) == 0)
    return "fortran_order arrays are not supported (save a C-order array)";
  if (std::strncmp(p, "False", 5) != 0)
    return "bad 'fortran_order'";

  p = findKey(header, "shape");
  if (!p)
    return "header has no 'shape'";
  p = skipSpaces(p);
  if (*p++ != '(')
    return "bad 'shape'";
  dims.clear();
  for (;;) {
    p = skipSpaces(p);
    if (*p == ')')
      break;
    if (*p < '0' || *p > '9')
      return "bad 'shape'";
    int64_t dim = 0;
    while (*p >= '0' && *p <= '9') {
      if (dim > (INT64_MAX - 9) / 10)
        return "'shape' dim too large";
      dim = dim * 10 + (*p++ - '0');
    }
    dims.push_back(dim);
    if (dims.size() > QOPT_RT_MAX_RANK)
      return "'shape' rank too large";
    p = skipSpaces(p);
    if (*p == ',')
      ++p;
    else if (*p != ')')
      return "bad 'shape'";
  }
  return nullptr;
}

} // namespace

qopt_rt_tensor *qopt::rt::parseNpy(const std::string &contents,
                                   const std::string &path) {
  auto error = [&](const std::string &message) -> qopt_rt_tensor * {
    fail(path + ": " + message);
    return nullptr;
  };
  if (contents.size() < 10 || contents.compare(0, 6, "\x93NUMPY") != 0)
    return error("not a .npy file (bad magic)");
  auto byte = [&](size_t i) { return static_cast<uint8_t>(contents[i]); };
  int major = byte(6);
  size_t headerLength, offset;
  if (major == 1) {
    headerLength = byte(8) | (byte(9) << 8);
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (contents.size() < 12)
      return error("truncated header");
    headerLength = byte(8) | (byte(9) << 8) | (byte(10) << 16) |
                   (static_cast<size_t>(byte(11)) << 24);
    offset = 12;
  } else {
    return error("unsupported .npy format version " + std::to_string(major));
  }
  if (headerLength > contents.size() - offset)
    return error("truncated header");
  std::string header = contents.substr(offset, headerLength);
  qopt_dtype dtype;
  std::vector<int64_t> dims;
  if (const char *message = parseHeader(header, dtype, dims))
    return error(message);
  int64_t count;
  size_t nbytes;
  if (!computeSize(dtype, dims, count, nbytes))
    return error("shape too large");
  size_t available = contents.size() - offset - headerLength;
  if (available != nbytes)
    return error("data has " + std::to_string(available) + " bytes, shape " +
                 formatDims(dims.data(), dims.size()) + " of " +
                 qopt_rt_dtype_name(dtype) + " needs " +
                 std::to_string(nbytes));
  qopt_rt_tensor *tensor = newTensor(dtype, dims);
  if (!tensor)
    return error(qopt_rt_last_error());
  if (nbytes)
    std::memcpy(tensor->data, contents.data() + offset + headerLength, nbytes);
  return tensor;
}

qopt_rt_tensor *qopt_rt_read_npy(const char *path) {
  clearError();
  std::string contents;
  if (!readFile(path, contents))
    return nullptr;
  return parseNpy(contents, path);
}

int qopt_rt_write_npy(const char *path, const qopt_rt_tensor *tensor) {
  clearError();
  const NpyType *type = nullptr;
  for (const NpyType &candidate : kNpyTypes)
    if (candidate.dtype == tensor->dtype)
      type = &candidate;
  if (!type)
    return fail(std::string(path) + ": NumPy has no " +
                qopt_rt_dtype_name(tensor->dtype) + " dtype");
  std::string descr = std::string(type->size == 1 ? "|" : "<") + type->kind +
                      std::to_string(type->size);
  std::string shape = "(";
  for (int64_t dim : tensor->dims)
    shape += std::to_string(dim) + ", ";
  if (tensor->dims.size() > 1)
    shape.resize(shape.size() - 2); // (3, 4) but (3,) for rank 1.
  else if (tensor->dims.size() == 1)
    shape.resize(shape.size() - 1);
  shape += ")";
  std::string header = "{'descr': '" + descr +
                       "', 'fortran_order': False, 'shape': " + shape + ", }";
  // Pad with spaces so the data starts at a multiple of 64; end with '\n'.
  bool version2 = header.size() + 11 > 65535;
  size_t prefix = version2 ? 12 : 10;
  size_t total = (prefix + header.size() + 1 + 63) / 64 * 64;
  header.append(total - prefix - header.size() - 1, ' ');
  header.push_back('\n');
  std::string out = "\x93NUMPY";
  out.push_back(static_cast<char>(version2 ? 2 : 1));
  out.push_back(0);
  size_t length = header.size();
  for (size_t i = 0; i < (version2 ? 4u : 2u); ++i)
    out.push_back(static_cast<char>((length >> (8 * i)) & 0xff));
  out += header;
  out.append(static_cast<const char *>(tensor->data), tensor->nbytes);
  return writeFile(path, out.data(), out.size()) ? 0 : -1;
}
