//===- DatasetTest.cpp - Calibration datasets -----------------------------===//

#include "TestUtil.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sys/stat.h>

#ifdef QOPT_RT_HAVE_ZLIB
#include <zlib.h>
#endif

using namespace qopt::rt::test;

namespace {

struct DatasetDeleter {
  void operator()(qopt_rt_dataset *d) const { qopt_rt_dataset_free(d); }
};
using Dataset = std::unique_ptr<qopt_rt_dataset, DatasetDeleter>;

/// Model inputs described by hand (what a pass builds from the ONNX graph).
struct Inputs {
  std::vector<std::string> names;
  std::vector<std::vector<int64_t>> dims;
  std::vector<qopt_rt_io_info> infos;
  void add(const std::string &name, qopt_dtype dtype, std::vector<int64_t> d) {
    names.push_back(name);
    dims.push_back(std::move(d));
    infos.push_back({nullptr, dtype, 0, nullptr});
    for (size_t i = 0; i < infos.size(); ++i) {
      infos[i].name = names[i].c_str();
      infos[i].rank = static_cast<int32_t>(dims[i].size());
      infos[i].dims = dims[i].data();
    }
  }
  int bind(qopt_rt_dataset *d) {
    return qopt_rt_dataset_bind(d, int32_t(infos.size()), infos.data());
  }
};

Tensor makeInt64(std::vector<int64_t> dims, std::vector<int64_t> values) {
  Tensor t(qopt_rt_tensor_create(QOPT_DTYPE_INT64, int32_t(dims.size()),
                                 dims.data()));
  std::copy(values.begin(), values.end(),
            static_cast<int64_t *>(qopt_rt_tensor_data(t.get())));
  return t;
}

void writeBytes(const std::string &path, const std::string &bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

std::string readBytes(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

/// Writes test_data_set_<s>/input_<k>.pb.
void writeSet(const TempDir &dir, int s,
              std::vector<const qopt_rt_tensor *> tensors) {
  std::string set = dir.file("test_data_set_" + std::to_string(s));
  mkdir(set.c_str(), 0755);
  for (size_t k = 0; k < tensors.size(); ++k)
    ASSERT_EQ(
        qopt_rt_write_pb((set + "/input_" + std::to_string(k) + ".pb").c_str(),
                         tensors[k]),
        0)
        << qopt_rt_last_error();
}

std::vector<float> floats(const qopt_rt_tensor *t) {
  const float *p = static_cast<const float *>(
      qopt_rt_tensor_data(const_cast<qopt_rt_tensor *>(t)));
  return std::vector<float>(p, p + qopt_rt_tensor_num_elements(t));
}
std::vector<int64_t> int64s(const qopt_rt_tensor *t) {
  const int64_t *p = static_cast<const int64_t *>(
      qopt_rt_tensor_data(const_cast<qopt_rt_tensor *>(t)));
  return std::vector<int64_t>(p, p + qopt_rt_tensor_num_elements(t));
}

std::string dataFile(const char *name) {
  return std::string(QOPT_SOURCE_DIR) + "/unittests/runtime/data/" + name;
}

} // namespace

TEST(Dataset, OnnxDirByNameAndPosition) {
  TempDir dir;
  for (int s = 0; s < 3; ++s) {
    Tensor x = makeFloat({1, 2}, {float(s), float(s) + 0.5f});
    Tensor ids = makeInt64({1, 3}, {s, s + 1, s + 2});
    qopt_rt_tensor_set_name(x.get(), "x");
    qopt_rt_tensor_set_name(ids.get(), "ids");
    writeSet(dir, s, {x.get(), ids.get()});
  }
  // A stray file and directory are ignored.
  writeBytes(dir.file("README"), "calibration data");
  Dataset d(qopt_rt_dataset_open(dir.path().c_str(), nullptr));
  ASSERT_TRUE(d) << qopt_rt_last_error();
  EXPECT_EQ(qopt_rt_dataset_num_samples(d.get()), 3);
  // The model declares them in the other order: bound by name.
  Inputs inputs;
  inputs.add("ids", QOPT_DTYPE_INT64, {1, -1});
  inputs.add("x", QOPT_DTYPE_FLOAT, {1, 2});
  ASSERT_EQ(inputs.bind(d.get()), 0) << qopt_rt_last_error();
  qopt_rt_tensor *sample[2];
  for (int s = 0; s < 3; ++s) {
    ASSERT_EQ(qopt_rt_dataset_next(d.get(), sample), 1) << qopt_rt_last_error();
    Tensor ids(sample[0]), x(sample[1]);
    EXPECT_EQ(int64s(ids.get()), (std::vector<int64_t>{s, s + 1, s + 2}));
    EXPECT_EQ(floats(x.get()), (std::vector<float>{float(s), s + 0.5f}));
    EXPECT_STREQ(qopt_rt_tensor_name(x.get()), "x");
  }
  EXPECT_EQ(qopt_rt_dataset_next(d.get(), sample), 0);
  qopt_rt_dataset_reset(d.get());
  ASSERT_EQ(qopt_rt_dataset_next(d.get(), sample), 1);
  qopt_rt_tensor_free(sample[0]);
  qopt_rt_tensor_free(sample[1]);

  // Names that do not match: by position (input_0 -> first input).
  Inputs positional;
  positional.add("pixel", QOPT_DTYPE_FLOAT, {1, 2});
  positional.add("tokens", QOPT_DTYPE_INT64, {1, 3});
  ASSERT_EQ(positional.bind(d.get()), 0) << qopt_rt_last_error();
  ASSERT_EQ(qopt_rt_dataset_get(d.get(), 2, sample), 0);
  EXPECT_EQ(floats(sample[0]), (std::vector<float>{2, 2.5f}));
  EXPECT_STREQ(qopt_rt_tensor_name(sample[0]), "pixel");
  qopt_rt_tensor_free(sample[0]);
  qopt_rt_tensor_free(sample[1]);
  EXPECT_EQ(qopt_rt_dataset_get(d.get(), 3, sample), -1);
  EXPECT_NE(std::string(qopt_rt_last_error()).find("out of range"),
            std::string::npos);
  EXPECT_EQ(sample[0], nullptr);

  // max_samples.
  qopt_rt_dataset_options options{};
  options.max_samples = 2;
  Dataset limited(qopt_rt_dataset_open(dir.path().c_str(), &options));
  ASSERT_EQ(inputs.bind(limited.get()), 0);
  EXPECT_EQ(qopt_rt_dataset_num_samples(limited.get()), 2);
}

TEST(Dataset, OnnxDirErrors) {
  TempDir dir;
  Tensor x = makeFloat({1, 2}, {1, NAN});
  writeSet(dir, 0, {x.get()});
  Dataset d(qopt_rt_dataset_open(dir.path().c_str(), nullptr));
  ASSERT_TRUE(d);
  std::string set0 = dir.file("test_data_set_0");
  // dtype mismatch names the file.
  Inputs wrongType;
  wrongType.add("x", QOPT_DTYPE_INT64, {1, 2});
  EXPECT_EQ(wrongType.bind(d.get()), -1);
  EXPECT_EQ(std::string(qopt_rt_last_error()),
            set0 + "/input_0.pb: input 'x': expected int64, got float");
  Inputs wrongShape;
  wrongShape.add("x", QOPT_DTYPE_FLOAT, {1, 3});
  EXPECT_EQ(wrongShape.bind(d.get()), -1);
  EXPECT_EQ(std::string(qopt_rt_last_error()),
            set0 + "/input_0.pb: input 'x' dim 1: expected 3, got 2");
  Inputs twoInputs;
  twoInputs.add("x", QOPT_DTYPE_FLOAT, {1, 2});
  twoInputs.add("y", QOPT_DTYPE_FLOAT, {1, 2});
  EXPECT_EQ(twoInputs.bind(d.get()), -1);
  EXPECT_EQ(std::string(qopt_rt_last_error()),
            set0 + ": missing input 'y' (no input_1.pb)");
  // NaN: accepted by default, rejected on request.
  Inputs good;
  good.add("x", QOPT_DTYPE_FLOAT, {1, 2});
  ASSERT_EQ(good.bind(d.get()), 0);
  qopt_rt_tensor *sample[1];
  ASSERT_EQ(qopt_rt_dataset_get(d.get(), 0, sample), 0);
  qopt_rt_tensor_free(sample[0]);
  qopt_rt_dataset_options options{};
  options.reject_nonfinite = 1;
  Dataset strict(qopt_rt_dataset_open(dir.path().c_str(), &options));
  ASSERT_EQ(good.bind(strict.get()), 0);
  EXPECT_EQ(qopt_rt_dataset_get(strict.get(), 0, sample), -1);
  EXPECT_NE(std::string(qopt_rt_last_error())
                .find("input_0.pb: input 'x' element 1 is NaN"),
            std::string::npos)
      << qopt_rt_last_error();
  // A directory without sets is an empty .npy directory; a missing path.
  TempDir empty;
  EXPECT_FALSE(qopt_rt_dataset_open(empty.path().c_str(), nullptr));
  EXPECT_NE(
      std::string(qopt_rt_last_error()).find("empty dataset: no .npy files"),
      std::string::npos);
  EXPECT_FALSE(qopt_rt_dataset_open(dir.file("nope").c_str(), nullptr));
  EXPECT_NE(
      std::string(qopt_rt_last_error()).find("nope: cannot open the dataset"),
      std::string::npos);
}

TEST(Dataset, NpyDirectory) {
  TempDir dir;
  // x: a stack of 3 samples of [2, 2]; mask: [3, 2] split along dim 0 into
  // chunks of the input's static batch 1.
  std::vector<float> xs(12);
  for (int i = 0; i < 12; ++i)
    xs[i] = float(i);
  Tensor x = makeFloat({3, 2, 2}, xs);
  ASSERT_EQ(qopt_rt_write_npy(dir.file("x.npy").c_str(), x.get()), 0);
  Tensor mask = makeInt64({3, 2}, {1, 0, 1, 1, 0, 0});
  ASSERT_EQ(qopt_rt_write_npy(dir.file("mask.npy").c_str(), mask.get()), 0);
  Dataset d(qopt_rt_dataset_open(dir.path().c_str(), nullptr));
  ASSERT_TRUE(d) << qopt_rt_last_error();
  EXPECT_EQ(qopt_rt_dataset_num_samples(d.get()), -1); // Known after bind.
  Inputs inputs;
  inputs.add("x", QOPT_DTYPE_FLOAT, {2, 2});
  inputs.add("mask", QOPT_DTYPE_INT64, {1, 2});
  ASSERT_EQ(inputs.bind(d.get()), 0) << qopt_rt_last_error();
  EXPECT_EQ(qopt_rt_dataset_num_samples(d.get()), 3);
  qopt_rt_tensor *sample[2];
  ASSERT_EQ(qopt_rt_dataset_get(d.get(), 1, sample), 0);
  Tensor sx(sample[0]), smask(sample[1]);
  EXPECT_EQ(floats(sx.get()), (std::vector<float>{4, 5, 6, 7}));
  EXPECT_EQ(qopt_rt_tensor_rank(sx.get()), 2);
  EXPECT_EQ(int64s(smask.get()), (std::vector<int64_t>{1, 1}));
  EXPECT_EQ(qopt_rt_tensor_dims(smask.get())[0], 1);

  // Sample counts that disagree.
  Tensor two = makeInt64({2, 2}, {1, 2, 3, 4});
  ASSERT_EQ(qopt_rt_write_npy(dir.file("mask.npy").c_str(), two.get()), 0);
  Dataset d2(qopt_rt_dataset_open(dir.path().c_str(), nullptr));
  EXPECT_EQ(inputs.bind(d2.get()), -1);
  EXPECT_NE(
      std::string(qopt_rt_last_error())
          .find("mask.npy: input 'mask' has 2 samples, the other inputs 3"),
      std::string::npos)
      << qopt_rt_last_error();
  // A missing input names it.
  Inputs missing;
  missing.add("y", QOPT_DTYPE_FLOAT, {2, 2});
  EXPECT_EQ(missing.bind(d2.get()), -1);
  EXPECT_NE(std::string(qopt_rt_last_error()).find("missing input 'y'"),
            std::string::npos);
  // Rank mismatch.
  Inputs rank;
  rank.add("x", QOPT_DTYPE_FLOAT, {2, 2, 1, 1});
  EXPECT_EQ(rank.bind(d2.get()), -1);
  EXPECT_NE(std::string(qopt_rt_last_error())
                .find("x.npy: input 'x': array of shape [3, 2, 2]"),
            std::string::npos)
      << qopt_rt_last_error();
  // Inf rejected at bind when asked.
  Tensor inf = makeFloat({1, 2, 2}, {0, 1, INFINITY, 2});
  ASSERT_EQ(qopt_rt_write_npy(dir.file("x.npy").c_str(), inf.get()), 0);
  std::remove(dir.file("mask.npy").c_str());
  qopt_rt_dataset_options options{};
  options.reject_nonfinite = 1;
  Dataset d3(qopt_rt_dataset_open(dir.path().c_str(), &options));
  Inputs onlyX;
  onlyX.add("x", QOPT_DTYPE_FLOAT, {2, 2});
  EXPECT_EQ(onlyX.bind(d3.get()), -1);
  EXPECT_NE(std::string(qopt_rt_last_error())
                .find("x.npy: input 'x' element 2 is infinite"),
            std::string::npos)
      << qopt_rt_last_error();
}

TEST(Dataset, NpzFromNumpy) {
  // data/stored.npz and data/deflated.npz were written by NumPy:
  //   x = np.arange(24, dtype=np.float32).reshape(3, 2, 4) / 4
  //   ids = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]], dtype=np.int64)
  //   np.savez('stored.npz', x=x, ids=ids)
  //   np.savez_compressed('deflated.npz', x=x, ids=ids)
  for (const char *name : {"stored.npz", "deflated.npz"}) {
    std::string path = dataFile(name);
#ifndef QOPT_RT_HAVE_ZLIB
    if (std::string(name) == "deflated.npz") {
      EXPECT_FALSE(qopt_rt_dataset_open(path.c_str(), nullptr));
      EXPECT_NE(std::string(qopt_rt_last_error()).find("built without zlib"),
                std::string::npos);
      continue;
    }
#endif
    qopt_rt_tensor **arrays = nullptr;
    ASSERT_EQ(qopt_rt_read_npz(path.c_str(), &arrays), 2)
        << qopt_rt_last_error();
    EXPECT_STREQ(qopt_rt_tensor_name(arrays[0]), "x");
    EXPECT_EQ(floats(arrays[0])[23], 23.0f / 4);
    qopt_rt_tensor_free(arrays[0]);
    qopt_rt_tensor_free(arrays[1]);
    std::free(arrays);

    Dataset d(qopt_rt_dataset_open(path.c_str(), nullptr));
    ASSERT_TRUE(d) << qopt_rt_last_error();
    Inputs inputs;
    inputs.add("x", QOPT_DTYPE_FLOAT, {2, 4});
    inputs.add("ids", QOPT_DTYPE_INT64, {-1});
    ASSERT_EQ(inputs.bind(d.get()), 0) << qopt_rt_last_error();
    EXPECT_EQ(qopt_rt_dataset_num_samples(d.get()), 3);
    qopt_rt_tensor *sample[2];
    ASSERT_EQ(qopt_rt_dataset_get(d.get(), 2, sample), 0);
    Tensor x(sample[0]), ids(sample[1]);
    EXPECT_EQ(floats(x.get())[0], 16.0f / 4);
    EXPECT_EQ(int64s(ids.get()), (std::vector<int64_t>{7, 8, 9}));
    // dtype mismatch names the entry.
    Inputs wrong;
    wrong.add("x", QOPT_DTYPE_FLOAT16, {2, 4});
    EXPECT_EQ(wrong.bind(d.get()), -1);
    EXPECT_EQ(std::string(qopt_rt_last_error()),
              path + ":x.npy: input 'x': expected float16, got float");
  }
}

TEST(Dataset, NpzCorrupt) {
  TempDir dir;
  std::string zip = readBytes(dataFile("stored.npz"));
  // Flip a data byte: the CRC catches it.
  std::string flipped = zip;
  flipped[zip.find("\x93NUMPY") + 200] ^= 1;
  writeBytes(dir.file("bad.npz"), flipped);
  EXPECT_FALSE(qopt_rt_dataset_open(dir.file("bad.npz").c_str(), nullptr));
  EXPECT_NE(std::string(qopt_rt_last_error()).find("CRC mismatch"),
            std::string::npos)
      << qopt_rt_last_error();
  writeBytes(dir.file("short.npz"), zip.substr(0, zip.size() / 2));
  EXPECT_FALSE(qopt_rt_dataset_open(dir.file("short.npz").c_str(), nullptr));
  EXPECT_NE(std::string(qopt_rt_last_error()).find("short.npz: "),
            std::string::npos);
  writeBytes(dir.file("text.npz"), "not a zip file at all, just some text");
  EXPECT_FALSE(qopt_rt_dataset_open(dir.file("text.npz").c_str(), nullptr));
  EXPECT_NE(
      std::string(qopt_rt_last_error()).find("no zip end-of-central-directory"),
      std::string::npos);
}

TEST(Dataset, TokenWindows) {
  TempDir dir;
  writeBytes(dir.file("bytes.bin"), "hello world!!"); // 13 bytes.
  qopt_rt_dataset_options options{};
  options.kind = QOPT_RT_DATASET_TOKENS;
  options.token_dtype = QOPT_DTYPE_UINT8;
  options.window = 4;
  Dataset d(qopt_rt_dataset_open(dir.file("bytes.bin").c_str(), &options));
  ASSERT_TRUE(d) << qopt_rt_last_error();
  EXPECT_EQ(qopt_rt_dataset_num_samples(d.get()), 3); // The tail is dropped.
  Inputs inputs;
  inputs.add("attention_mask", QOPT_DTYPE_INT64, {1, -1});
  inputs.add("input_ids", QOPT_DTYPE_INT64, {1, -1});
  inputs.add("position_ids", QOPT_DTYPE_INT64, {1, 4});
  ASSERT_EQ(inputs.bind(d.get()), 0) << qopt_rt_last_error();
  qopt_rt_tensor *sample[3];
  ASSERT_EQ(qopt_rt_dataset_get(d.get(), 1, sample), 0);
  Tensor mask(sample[0]), ids(sample[1]), pos(sample[2]);
  EXPECT_EQ(int64s(ids.get()), (std::vector<int64_t>{'o', ' ', 'w', 'o'}));
  EXPECT_EQ(int64s(mask.get()), (std::vector<int64_t>{1, 1, 1, 1}));
  EXPECT_EQ(int64s(pos.get()), (std::vector<int64_t>{0, 1, 2, 3}));
  EXPECT_EQ(qopt_rt_tensor_dims(ids.get())[1], 4);

  // int32 and uint16 little-endian ids into an int32 input.
  std::string ids32;
  for (int32_t v : {70000, 1, 2, 3, 4, 5}) {
    char b[4];
    std::memcpy(b, &v, 4);
    ids32.append(b, 4);
  }
  writeBytes(dir.file("ids32.bin"), ids32);
  options.token_dtype = QOPT_DTYPE_INT32;
  options.window = 3;
  Dataset d32(qopt_rt_dataset_open(dir.file("ids32.bin").c_str(), &options));
  ASSERT_TRUE(d32) << qopt_rt_last_error();
  Inputs one;
  one.add("tokens", QOPT_DTYPE_INT32, {1, 3});
  ASSERT_EQ(one.bind(d32.get()), 0) << qopt_rt_last_error();
  qopt_rt_tensor *s32[1];
  ASSERT_EQ(qopt_rt_dataset_get(d32.get(), 0, s32), 0);
  EXPECT_EQ(static_cast<int32_t *>(qopt_rt_tensor_data(s32[0]))[0], 70000);
  qopt_rt_tensor_free(s32[0]);
  writeBytes(dir.file("ids16.bin"), std::string("\x01\x02\x03\x04\x05\x06", 6));
  options.token_dtype = QOPT_DTYPE_UINT16;
  options.window = 3;
  Dataset d16(qopt_rt_dataset_open(dir.file("ids16.bin").c_str(), &options));
  ASSERT_TRUE(d16);
  Inputs one64;
  one64.add("input_ids", QOPT_DTYPE_INT64, {1, 3});
  ASSERT_EQ(one64.bind(d16.get()), 0);
  ASSERT_EQ(qopt_rt_dataset_get(d16.get(), 0, s32), 0);
  EXPECT_EQ(int64s(s32[0]), (std::vector<int64_t>{0x0201, 0x0403, 0x0605}));
  qopt_rt_tensor_free(s32[0]);

  // Errors.
  writeBytes(dir.file("odd.bin"), std::string("\x01\x02\x03", 3));
  EXPECT_FALSE(qopt_rt_dataset_open(dir.file("odd.bin").c_str(), &options));
  EXPECT_NE(std::string(qopt_rt_last_error())
                .find("odd.bin: 3 bytes is not a whole number of uint16"),
            std::string::npos);
  options.window = 100;
  EXPECT_FALSE(qopt_rt_dataset_open(dir.file("ids16.bin").c_str(), &options));
  EXPECT_NE(std::string(qopt_rt_last_error()).find("empty dataset"),
            std::string::npos);
  Inputs extra;
  extra.add("input_ids", QOPT_DTYPE_INT64, {1, 4});
  extra.add("pixel_values", QOPT_DTYPE_FLOAT, {1, 4});
  EXPECT_EQ(extra.bind(d.get()), -1);
  EXPECT_NE(
      std::string(qopt_rt_last_error()).find("missing input 'pixel_values'"),
      std::string::npos);
  Inputs floatIds;
  floatIds.add("input_ids", QOPT_DTYPE_FLOAT, {1, 4});
  EXPECT_EQ(floatIds.bind(d.get()), -1);
  Inputs badWindow;
  badWindow.add("input_ids", QOPT_DTYPE_INT64, {1, 8});
  EXPECT_EQ(badWindow.bind(d.get()), -1);
  EXPECT_NE(std::string(qopt_rt_last_error()).find("dim 1: expected 8, got 4"),
            std::string::npos);
  // A token file needs kind TOKENS.
  EXPECT_FALSE(qopt_rt_dataset_open(dir.file("bytes.bin").c_str(), nullptr));
  EXPECT_NE(std::string(qopt_rt_last_error()).find("needs kind TOKENS"),
            std::string::npos);
}

TEST(Dataset, BindModelAndRun) {
  // The calibration loop: a dataset bound to a loaded model feeds its runs.
  TempDir dir;
  Tensor a = makeFloat({2, 1, 3}, {1, 2, 3, 4, 5, 6});
  Tensor b = makeFloat({2, 1, 3}, {10, 20, 30, 40, 50, 60});
  ASSERT_EQ(qopt_rt_write_npy(dir.file("a.npy").c_str(), a.get()), 0);
  ASSERT_EQ(qopt_rt_write_npy(dir.file("b.npy").c_str(), b.get()), 0);
  Model model(qopt_rt_model_load(fixture("add.so").c_str(), nullptr));
  ASSERT_TRUE(model) << qopt_rt_last_error();
  Dataset d(qopt_rt_dataset_open(dir.path().c_str(), nullptr));
  ASSERT_TRUE(d) << qopt_rt_last_error();
  // The model's inputs are [?, ?]: each [1, 3] array slice is one sample.
  ASSERT_EQ(qopt_rt_dataset_bind_model(d.get(), model.get()), 0)
      << qopt_rt_last_error();
  EXPECT_EQ(qopt_rt_dataset_num_samples(d.get()), 2);
  qopt_rt_tensor *sample[2];
  std::vector<float> sums;
  int rc;
  while ((rc = qopt_rt_dataset_next(d.get(), sample)) == 1) {
    Tensor x(sample[0]), y(sample[1]);
    qopt_rt_tensor *out[1];
    const qopt_rt_tensor *in[2] = {x.get(), y.get()};
    ASSERT_EQ(qopt_rt_model_run(model.get(), in, out), 0)
        << qopt_rt_last_error();
    Tensor sum(out[0]);
    for (float v : floats(sum.get()))
      sums.push_back(v);
  }
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(sums, (std::vector<float>{11, 22, 33, 44, 55, 66}));
}
