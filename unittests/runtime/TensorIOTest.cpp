//===- TensorIOTest.cpp - .pb / .npy reading and writing, comparison ------===//

#include "TestUtil.h"

#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>

using namespace qopt::rt::test;

namespace {

const char *kBackendData = "/usr/share/libonnx-testdata/data/node";

std::string error() { return qopt_rt_last_error(); }

const qopt_dtype kAllDTypes[] = {
    QOPT_DTYPE_FLOAT,  QOPT_DTYPE_DOUBLE, QOPT_DTYPE_FLOAT16,
    QOPT_DTYPE_BFLOAT16, QOPT_DTYPE_INT8, QOPT_DTYPE_UINT8,
    QOPT_DTYPE_INT16,  QOPT_DTYPE_UINT16, QOPT_DTYPE_INT32,
    QOPT_DTYPE_UINT32, QOPT_DTYPE_INT64,  QOPT_DTYPE_UINT64,
    QOPT_DTYPE_BOOL,
};

std::string readBytes(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void writeBytes(const std::string &path, const std::string &bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

/// A [2, 3] tensor of `dtype` whose bytes are a pattern (bool: 0 / 1).
Tensor patterned(qopt_dtype dtype) {
  int64_t dims[] = {2, 3};
  Tensor tensor(qopt_rt_tensor_create(dtype, 2, dims));
  auto *bytes = static_cast<uint8_t *>(qopt_rt_tensor_data(tensor.get()));
  for (size_t i = 0; i < qopt_rt_tensor_nbytes(tensor.get()); ++i)
    bytes[i] = dtype == QOPT_DTYPE_BOOL ? i % 2 : static_cast<uint8_t>(37 * i + 5);
  return tensor;
}

void expectSame(const qopt_rt_tensor *a, const qopt_rt_tensor *b) {
  ASSERT_EQ(qopt_rt_tensor_dtype(a), qopt_rt_tensor_dtype(b));
  ASSERT_EQ(qopt_rt_tensor_rank(a), qopt_rt_tensor_rank(b));
  for (int32_t i = 0; i < qopt_rt_tensor_rank(a); ++i)
    EXPECT_EQ(qopt_rt_tensor_dims(a)[i], qopt_rt_tensor_dims(b)[i]);
  ASSERT_EQ(qopt_rt_tensor_nbytes(a), qopt_rt_tensor_nbytes(b));
  EXPECT_EQ(std::memcmp(qopt_rt_tensor_data(const_cast<qopt_rt_tensor *>(a)),
                        qopt_rt_tensor_data(const_cast<qopt_rt_tensor *>(b)),
                        qopt_rt_tensor_nbytes(a)),
            0);
}

TEST(DTypes, NamesAndSizes) {
  EXPECT_EQ(qopt_rt_dtype_size(QOPT_DTYPE_BFLOAT16), 2u);
  EXPECT_EQ(qopt_rt_dtype_size(QOPT_DTYPE_BOOL), 1u);
  EXPECT_EQ(qopt_rt_dtype_size(QOPT_DTYPE_UINT64), 8u);
  EXPECT_EQ(qopt_rt_dtype_size(static_cast<qopt_dtype>(8)), 0u); // string
  for (qopt_dtype dtype : kAllDTypes) {
    qopt_dtype parsed;
    ASSERT_EQ(qopt_rt_dtype_from_name(qopt_rt_dtype_name(dtype), &parsed), 0);
    EXPECT_EQ(parsed, dtype);
  }
  qopt_dtype parsed;
  EXPECT_EQ(qopt_rt_dtype_from_name("complex64", &parsed), -1);
  EXPECT_EQ(error(), "unknown element type 'complex64'");
}

TEST(Tensors, CreateRejectsBadShapes) {
  int64_t negative[] = {2, -1};
  EXPECT_EQ(qopt_rt_tensor_create(QOPT_DTYPE_FLOAT, 2, negative), nullptr);
  EXPECT_NE(error().find("bad shape [2, ?]"), std::string::npos) << error();
  int64_t huge[] = {INT64_MAX / 2, 4};
  EXPECT_EQ(qopt_rt_tensor_create(QOPT_DTYPE_FLOAT, 2, huge), nullptr);
  EXPECT_EQ(qopt_rt_tensor_create(static_cast<qopt_dtype>(8), 0, nullptr),
            nullptr);
  EXPECT_EQ(error(), "unsupported element type 8");
  Tensor empty(qopt_rt_tensor_create(QOPT_DTYPE_INT64, 1, negative + 0));
  ASSERT_TRUE(empty);
  EXPECT_EQ(qopt_rt_tensor_num_elements(empty.get()), 2);
}

TEST(Pb, RoundTripEveryDType) {
  TempDir dir;
  for (qopt_dtype dtype : kAllDTypes) {
    SCOPED_TRACE(qopt_rt_dtype_name(dtype));
    Tensor tensor = patterned(dtype);
    qopt_rt_tensor_set_name(tensor.get(), "t/0 x");
    std::string path = dir.file("t.pb");
    ASSERT_EQ(qopt_rt_write_pb(path.c_str(), tensor.get()), 0) << error();
    Tensor back(qopt_rt_read_pb(path.c_str()));
    ASSERT_TRUE(back) << error();
    expectSame(tensor.get(), back.get());
    EXPECT_STREQ(qopt_rt_tensor_name(back.get()), "t/0 x");
  }
}

TEST(Pb, RoundTripScalarAndEmpty) {
  TempDir dir;
  Tensor scalar = makeFloat({}, {2.5f});
  ASSERT_EQ(qopt_rt_write_pb(dir.file("s.pb").c_str(), scalar.get()), 0);
  Tensor back(qopt_rt_read_pb(dir.file("s.pb").c_str()));
  ASSERT_TRUE(back) << error();
  expectSame(scalar.get(), back.get());
  EXPECT_STREQ(qopt_rt_tensor_name(back.get()), "");

  int64_t dims[] = {3, 0};
  Tensor empty(qopt_rt_tensor_create(QOPT_DTYPE_INT32, 2, dims));
  ASSERT_EQ(qopt_rt_write_pb(dir.file("e.pb").c_str(), empty.get()), 0);
  Tensor emptyBack(qopt_rt_read_pb(dir.file("e.pb").c_str()));
  ASSERT_TRUE(emptyBack) << error();
  expectSame(empty.get(), emptyBack.get());
}

TEST(Pb, ReadsBackendSuiteFiles) {
  std::string dir = std::string(kBackendData) + "/test_add/test_data_set_0/";
  Tensor x(qopt_rt_read_pb((dir + "input_0.pb").c_str()));
  Tensor y(qopt_rt_read_pb((dir + "input_1.pb").c_str()));
  Tensor sum(qopt_rt_read_pb((dir + "output_0.pb").c_str()));
  ASSERT_TRUE(x && y && sum) << error();
  EXPECT_STREQ(qopt_rt_tensor_name(x.get()), "x");
  EXPECT_EQ(qopt_rt_tensor_dtype(x.get()), QOPT_DTYPE_FLOAT);
  ASSERT_EQ(qopt_rt_tensor_rank(x.get()), 3);
  EXPECT_EQ(qopt_rt_tensor_dims(x.get())[0], 3);
  EXPECT_EQ(qopt_rt_tensor_dims(x.get())[1], 4);
  EXPECT_EQ(qopt_rt_tensor_dims(x.get())[2], 5);
  for (int64_t i = 0; i < 60; ++i)
    EXPECT_FLOAT_EQ(qopt_rt_tensor_get_double(x.get(), i) +
                        qopt_rt_tensor_get_double(y.get(), i),
                    qopt_rt_tensor_get_double(sum.get(), i));

  // Other element types from the suite.
  Tensor indices(qopt_rt_read_pb(
      (std::string(kBackendData) + "/test_argmax_default_axis_example/"
                                   "test_data_set_0/output_0.pb")
          .c_str()));
  ASSERT_TRUE(indices) << error();
  EXPECT_EQ(qopt_rt_tensor_dtype(indices.get()), QOPT_DTYPE_INT64);
  Tensor flags(qopt_rt_read_pb((std::string(kBackendData) +
                                "/test_and2d/test_data_set_0/output_0.pb")
                                   .c_str()));
  ASSERT_TRUE(flags) << error();
  EXPECT_EQ(qopt_rt_tensor_dtype(flags.get()), QOPT_DTYPE_BOOL);
}

/// Protobuf bytes helpers for hand-made TensorProtos with typed fields.
std::string varint(uint64_t value) {
  std::string out;
  do {
    uint8_t byte = value & 0x7f;
    value >>= 7;
    out.push_back(static_cast<char>(byte | (value ? 0x80 : 0)));
  } while (value);
  return out;
}
std::string key(int field, int wire) { return varint(field << 3 | wire); }
std::string packed(int field, const std::string &payload) {
  return key(field, 2) + varint(payload.size()) + payload;
}
template <typename T> std::string fixedBytes(std::initializer_list<T> values) {
  std::string out;
  for (T value : values)
    out.append(reinterpret_cast<const char *>(&value), sizeof(T));
  return out;
}

Tensor parse(const std::string &bytes) {
  return Tensor(qopt_rt_parse_pb(bytes.data(), bytes.size(), "mem.pb"));
}

TEST(Pb, TypedFields) {
  // int8 in int32_data (packed), negative values sign-extended to 10 bytes.
  Tensor int8s = parse(key(1, 0) + varint(3) + key(2, 0) + varint(3) +
                       packed(5, varint(uint64_t(-1)) + varint(5) +
                                     varint(uint64_t(-128))));
  ASSERT_TRUE(int8s) << error();
  EXPECT_EQ(qopt_rt_tensor_get_double(int8s.get(), 0), -1);
  EXPECT_EQ(qopt_rt_tensor_get_double(int8s.get(), 1), 5);
  EXPECT_EQ(qopt_rt_tensor_get_double(int8s.get(), 2), -128);

  // float_data packed, dims given packed too.
  Tensor floats = parse(packed(1, varint(2)) + key(2, 0) + varint(1) +
                        packed(4, fixedBytes<float>({1.5f, -2.25f})) +
                        key(8, 2) + varint(1) + "f");
  ASSERT_TRUE(floats) << error();
  EXPECT_STREQ(qopt_rt_tensor_name(floats.get()), "f");
  EXPECT_EQ(qopt_rt_tensor_get_double(floats.get(), 1), -2.25);

  // int64_data not packed (one key per value), as proto2 writers emit it.
  Tensor int64s = parse(key(1, 0) + varint(2) + key(2, 0) + varint(7) +
                        key(7, 0) + varint(uint64_t(-7)) + key(7, 0) +
                        varint(1ull << 40));
  ASSERT_TRUE(int64s) << error();
  EXPECT_EQ(qopt_rt_tensor_get_double(int64s.get(), 0), -7);
  EXPECT_EQ(qopt_rt_tensor_get_double(int64s.get(), 1), std::ldexp(1.0, 40));

  // double_data and uint64_data (uint32 and uint64 live there).
  Tensor doubles = parse(key(2, 0) + varint(11) +
                         packed(10, fixedBytes<double>({0.125})));
  ASSERT_TRUE(doubles) << error();
  EXPECT_EQ(qopt_rt_tensor_rank(doubles.get()), 0);
  EXPECT_EQ(qopt_rt_tensor_get_double(doubles.get(), 0), 0.125);
  Tensor uint32s = parse(key(1, 0) + varint(1) + key(2, 0) + varint(12) +
                         packed(11, varint(4000000000u)));
  ASSERT_TRUE(uint32s) << error();
  EXPECT_EQ(qopt_rt_tensor_get_double(uint32s.get(), 0), 4000000000.0);

  // float16 / bfloat16 bit patterns and bool in int32_data.
  Tensor halves = parse(key(1, 0) + varint(2) + key(2, 0) + varint(10) +
                        packed(5, varint(0x3c00) + varint(0xc000)));
  ASSERT_TRUE(halves) << error();
  EXPECT_EQ(qopt_rt_tensor_get_double(halves.get(), 0), 1.0);
  EXPECT_EQ(qopt_rt_tensor_get_double(halves.get(), 1), -2.0);
  Tensor brains = parse(key(1, 0) + varint(1) + key(2, 0) + varint(16) +
                        packed(5, varint(0x3fc0)));
  ASSERT_TRUE(brains) << error();
  EXPECT_EQ(qopt_rt_tensor_get_double(brains.get(), 0), 1.5);
  Tensor bools = parse(key(1, 0) + varint(2) + key(2, 0) + varint(9) +
                       packed(5, varint(1) + varint(0)));
  ASSERT_TRUE(bools) << error();
  EXPECT_EQ(qopt_rt_tensor_get_double(bools.get(), 0), 1);

  // Unknown fields are skipped.
  Tensor skipped = parse(key(12, 2) + varint(3) + "doc" + key(2, 0) +
                         varint(6) + packed(5, varint(9)));
  ASSERT_TRUE(skipped) << error();
  EXPECT_EQ(qopt_rt_tensor_get_double(skipped.get(), 0), 9);
}

TEST(Pb, MalformedInputsAreErrors) {
  struct Case {
    std::string bytes;
    const char *message;
  } cases[] = {
      {"", "missing data_type"},
      {key(2, 0) + varint(8), "string tensors are not supported"},
      {key(2, 0) + varint(14), "unsupported data_type 14"},
      // Found by the fuzzer: a code far outside the enum (UB to convert).
      {key(2, 0) + varint(1356832505), "unsupported data_type 1356832505"},
      {key(2, 0) + varint(uint64_t(-3)), "unsupported data_type -3"},
      {key(1, 0) + varint(3) + key(2, 0) + varint(1) +
           packed(4, fixedBytes<float>({1})),
       "float_data has 1 values, shape [3] needs 3"},
      // A lying shape: 2^40 floats claimed, 4 bytes present.
      {key(1, 0) + varint(1ull << 40) + key(2, 0) + varint(1) + key(9, 2) +
           varint(4) + "abcd",
       "raw_data has 4 bytes, shape [1099511627776] of float needs"},
      {key(1, 0) + varint(uint64_t(-2)) + key(2, 0) + varint(1),
       "bad dims [?]"},
      {key(9, 2) + varint(100) + "short", "truncated or malformed field"},
      {key(2, 3), "truncated or malformed field"},
      {std::string("\x00", 1), "bad field key"},
      {std::string(11, '\xff'), "bad field key"},
      {key(2, 0) + varint(1) + key(14, 0) + varint(1),
       "external data is not supported"},
  };
  for (const Case &c : cases) {
    SCOPED_TRACE(c.message);
    EXPECT_FALSE(parse(c.bytes));
    EXPECT_EQ(error().rfind("mem.pb: ", 0), 0u) << error();
    EXPECT_NE(error().find(c.message), std::string::npos) << error();
  }
}

TEST(Pb, TruncatedAndCorruptedFilesNeverCrash) {
  std::string good = readBytes(std::string(kBackendData) +
                               "/test_add/test_data_set_0/input_0.pb");
  ASSERT_GT(good.size(), 240u);
  for (size_t length = 0; length < good.size(); ++length)
    EXPECT_FALSE(parse(good.substr(0, length))) << "prefix " << length;
  // Flip bytes of the header region: each result is a tensor or an error.
  for (size_t i = 0; i < 32; ++i)
    for (int bit = 0; bit < 8; ++bit) {
      std::string bad = good;
      bad[i] = static_cast<char>(bad[i] ^ (1 << bit));
      Tensor tensor = parse(bad);
      if (!tensor) {
        EXPECT_FALSE(error().empty());
      }
    }
  TempDir dir;
  std::string path = dir.file("cut.pb");
  writeBytes(path, good.substr(0, 100));
  EXPECT_EQ(qopt_rt_read_pb(path.c_str()), nullptr);
  EXPECT_EQ(error().rfind(path + ": ", 0), 0u) << error();
  EXPECT_EQ(qopt_rt_read_pb(dir.file("missing.pb").c_str()), nullptr);
  EXPECT_EQ(error(), dir.file("missing.pb") +
                         ": cannot open: No such file or directory");
}

TEST(Npy, RoundTripEveryDType) {
  TempDir dir;
  std::string path = dir.file("t.npy");
  for (qopt_dtype dtype : kAllDTypes) {
    SCOPED_TRACE(qopt_rt_dtype_name(dtype));
    Tensor tensor = patterned(dtype);
    if (dtype == QOPT_DTYPE_BFLOAT16) {
      EXPECT_EQ(qopt_rt_write_npy(path.c_str(), tensor.get()), -1);
      EXPECT_EQ(error(), path + ": NumPy has no bfloat16 dtype");
      continue;
    }
    ASSERT_EQ(qopt_rt_write_npy(path.c_str(), tensor.get()), 0) << error();
    std::string bytes = readBytes(path);
    EXPECT_EQ((bytes.size() - qopt_rt_tensor_nbytes(tensor.get())) % 64, 0u)
        << "data is 64-byte aligned";
    Tensor back(qopt_rt_read_npy(path.c_str()));
    ASSERT_TRUE(back) << error();
    expectSame(tensor.get(), back.get());
  }
  Tensor scalar = makeFloat({}, {4});
  ASSERT_EQ(qopt_rt_write_npy(path.c_str(), scalar.get()), 0);
  EXPECT_NE(readBytes(path).find("'shape': (), }"), std::string::npos);
  Tensor vector = makeFloat({2}, {4, 5});
  ASSERT_EQ(qopt_rt_write_npy(path.c_str(), vector.get()), 0);
  EXPECT_NE(readBytes(path).find("'descr': '<f4', 'fortran_order': False, "
                                 "'shape': (2,), }"),
            std::string::npos);
  Tensor back(qopt_rt_read_tensor_file(path.c_str()));
  ASSERT_TRUE(back) << error();
  expectSame(vector.get(), back.get());
}

std::string npyFile(int major, const std::string &dict,
                    const std::string &data) {
  std::string header = dict + "\n";
  std::string out = "\x93NUMPY";
  out.push_back(static_cast<char>(major));
  out.push_back(0);
  for (int i = 0; i < (major == 1 ? 2 : 4); ++i)
    out.push_back(static_cast<char>((header.size() >> (8 * i)) & 0xff));
  return out + header + data;
}

TEST(Npy, ReadsVersion2AndRejectsMalformed) {
  TempDir dir;
  std::string path = dir.file("a.npy");
  writeBytes(path, npyFile(2,
                           "{\"descr\": \"<i2\", \"fortran_order\": False, "
                           "\"shape\": (1, 2)}",
                           fixedBytes<int16_t>({-3, 7})));
  Tensor v2(qopt_rt_read_npy(path.c_str()));
  ASSERT_TRUE(v2) << error();
  EXPECT_EQ(qopt_rt_tensor_dtype(v2.get()), QOPT_DTYPE_INT16);
  EXPECT_EQ(qopt_rt_tensor_get_double(v2.get(), 0), -3);

  std::string floats = fixedBytes<float>({1, 2});
  struct Case {
    std::string bytes;
    const char *message;
  } cases[] = {
      {npyFile(1,
               "{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }",
               floats),
       "fortran_order arrays are not supported"},
      {npyFile(1,
               "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }",
               floats),
       "big-endian data is not supported"},
      {npyFile(1,
               "{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }",
               floats),
       "unsupported 'descr'"},
      {npyFile(1,
               "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }",
               floats),
       "data has 8 bytes, shape [3] of float needs 12"},
      {npyFile(1, "{'descr': '<f4', 'shape': (2,), }", floats),
       "header has no 'fortran_order'"},
      {npyFile(1,
               "{'descr': '<f4', 'fortran_order': False, 'shape': (2,x), }",
               floats),
       "bad 'shape'"},
      {npyFile(7, "{}", ""), "unsupported .npy format version 7"},
      {"PK\x03\x04 not npy", "not a .npy file (bad magic)"},
      {std::string("\x93NUMPY\x01\x00\xff\x7f{'descr'", 17),
       "truncated header"},
  };
  for (const Case &c : cases) {
    SCOPED_TRACE(c.message);
    writeBytes(path, c.bytes);
    EXPECT_EQ(qopt_rt_read_npy(path.c_str()), nullptr);
    EXPECT_EQ(error().rfind(path + ": ", 0), 0u) << error();
    EXPECT_NE(error().find(c.message), std::string::npos) << error();
  }

  // Every prefix of a good file is an error, not a crash.
  Tensor tensor = makeFloat({2}, {1, 2});
  ASSERT_EQ(qopt_rt_write_npy(path.c_str(), tensor.get()), 0);
  std::string good = readBytes(path);
  for (size_t length = 0; length < good.size(); ++length) {
    writeBytes(path, good.substr(0, length));
    EXPECT_EQ(qopt_rt_read_npy(path.c_str()), nullptr) << "prefix " << length;
  }
}

TEST(Compare, TolerancesNaNAndMismatches) {
  Tensor expected = makeFloat({4}, {1, NAN, 100, INFINITY});
  Tensor close = makeFloat({4}, {1.00001f, NAN, 100.05f, INFINITY});
  qopt_rt_compare_result result;
  EXPECT_EQ(qopt_rt_compare(close.get(), expected.get(), 1e-3, 1e-5, &result),
            1);
  EXPECT_EQ(result.mismatches, 0);
  EXPECT_EQ(result.count, 4);
  EXPECT_NEAR(result.max_abs_error, 0.05, 1e-5);
  EXPECT_NEAR(result.max_rel_error, 5e-4, 1e-6);

  Tensor far = makeFloat({4}, {1.1f, 0, 100, -INFINITY});
  EXPECT_EQ(qopt_rt_compare(far.get(), expected.get(), 1e-3, 1e-5, &result),
            0);
  EXPECT_EQ(result.mismatches, 3);
  EXPECT_EQ(qopt_rt_compare(far.get(), expected.get(), 0.2, 0, &result), 0);
  EXPECT_EQ(result.mismatches, 2) << "rtol covers 1.1 vs 1";

  Tensor shorter = makeFloat({3}, {1, 2, 3});
  EXPECT_EQ(qopt_rt_compare(shorter.get(), expected.get(), 1, 1, &result), 0);
  EXPECT_FALSE(result.shape_match);
  EXPECT_TRUE(result.dtype_match);
  int64_t dims[] = {4};
  Tensor ints(qopt_rt_tensor_create(QOPT_DTYPE_INT32, 1, dims));
  EXPECT_EQ(qopt_rt_compare(ints.get(), expected.get(), 1, 1, &result), 0);
  EXPECT_FALSE(result.dtype_match);
}

} // namespace
