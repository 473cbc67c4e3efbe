//===- ModelTest.cpp - Loading and running the fixture models -------------===//

#include <cstdlib>
#include "TestUtil.h"

#include <cstring>
#include <malloc.h>
#include <dirent.h>

using namespace qopt::rt::test;

namespace {

std::string error() { return qopt_rt_last_error(); }

TEST(ModelLoad, AddFromPrefixSymbol) {
  Model model(qopt_rt_model_load(fixture("add.so").c_str(), nullptr));
  ASSERT_TRUE(model) << error();
  EXPECT_STREQ(qopt_rt_model_prefix(model.get()), "add");
  EXPECT_NE(std::strstr(qopt_rt_model_signature(model.get()), "name add"),
            nullptr);
  ASSERT_EQ(qopt_rt_model_num_inputs(model.get()), 2);
  ASSERT_EQ(qopt_rt_model_num_outputs(model.get()), 1);
  const qopt_rt_io_info *b = qopt_rt_model_input(model.get(), 1);
  ASSERT_TRUE(b);
  EXPECT_STREQ(b->name, "b");
  EXPECT_EQ(b->dtype, QOPT_DTYPE_FLOAT);
  ASSERT_EQ(b->rank, 2);
  EXPECT_EQ(b->dims[0], -1);
  EXPECT_EQ(b->dims[1], -1);
  EXPECT_STREQ(qopt_rt_model_output(model.get(), 0)->name, "sum");
  EXPECT_EQ(qopt_rt_model_input(model.get(), 2), nullptr);
  EXPECT_NE(error().find("input index 2 out of range"), std::string::npos);
  EXPECT_EQ(qopt_rt_model_find_input(model.get(), "b"), 1);
  EXPECT_EQ(qopt_rt_model_find_output(model.get(), "sum"), 0);
  EXPECT_EQ(qopt_rt_model_find_input(model.get(), "c"), -1);
  EXPECT_EQ(error(), "unknown input 'c' (model inputs: a, b)");
}

TEST(ModelLoad, MultiSignatureDecodesNamesAndStaticDims) {
  Model model(qopt_rt_model_load(fixture("multi.so").c_str(), "multi"));
  ASSERT_TRUE(model) << error();
  ASSERT_EQ(qopt_rt_model_num_outputs(model.get()), 5);
  const qopt_rt_io_info *total = qopt_rt_model_output(model.get(), 2);
  EXPECT_STREQ(total->name, "total sum");
  EXPECT_EQ(total->rank, 0);
  const qopt_rt_io_info *x = qopt_rt_model_input(model.get(), 0);
  EXPECT_EQ(x->dims[0], -1);
  EXPECT_EQ(x->dims[1], 4);
  EXPECT_EQ(qopt_rt_model_input(model.get(), 1)->dtype, QOPT_DTYPE_INT32);
  EXPECT_EQ(qopt_rt_model_output(model.get(), 0)->dtype, QOPT_DTYPE_INT64);
  EXPECT_EQ(qopt_rt_model_output(model.get(), 1)->dtype, QOPT_DTYPE_BOOL);
}

TEST(ModelLoad, Errors) {
  std::string bad = fixture("bad.so");
  struct Case {
    const char *prefix;
    const char *message;
  } cases[] = {
      {nullptr, "no qopt_model_prefix symbol"},
      {"badversion",
       "unsupported ABI version 2 (this runtime loads version 1)"},
      {"badheader", "bad signature line 1 ('model 1'): expected 'qopt-model "
                    "<version>' first"},
      {"baddtype", "line 3 ('input 0 x complex64 1 ?'): unknown dtype "
                   "'complex64'"},
      {"badindex", "index must be 0"},
      {"badrank", "rank 2 needs 2 dims, got 1"},
      {"baddim", "bad dim '-3'"},
      {"badname", "bad name 'a%2'"},
      {"wrongname", "signature name 'other' does not match the prefix "
                    "'wrongname'"},
      {"norun", "missing symbol 'norun_run'"},
      {"nothere", "missing symbol 'nothere_signature'"},
  };
  for (const Case &c : cases) {
    SCOPED_TRACE(c.prefix ? c.prefix : "(no prefix)");
    EXPECT_EQ(qopt_rt_model_load(bad.c_str(), c.prefix), nullptr);
    EXPECT_NE(error().find(c.message), std::string::npos) << error();
    EXPECT_EQ(error().rfind(bad, 0), 0u) << "error names the file: " << error();
  }
  EXPECT_EQ(qopt_rt_model_load("/nonexistent/model.so", nullptr), nullptr);
  EXPECT_NE(error().find("/nonexistent/model.so"), std::string::npos);
}

TEST(Signature, CheckCountsAndRejects) {
  int32_t inputs = -1, outputs = -1;
  EXPECT_EQ(qopt_rt_signature_check("qopt-model 1\nname m\n"
                                    "input 0 x float 1 ?\n"
                                    "input 1 y%2Fz int64 0\n"
                                    "output 0 o bool 2 3 ?\n",
                                    &inputs, &outputs),
            0)
      << error();
  EXPECT_EQ(inputs, 2);
  EXPECT_EQ(outputs, 1);
  EXPECT_EQ(qopt_rt_signature_check("", nullptr, nullptr), -1);
  EXPECT_EQ(error(), "bad signature: empty");
  EXPECT_EQ(qopt_rt_signature_check(
                "qopt-model 1\ninput 0 x float 0\ninput 1 x float 0\n",
                nullptr, nullptr),
            -1);
  EXPECT_NE(error().find("duplicate input name 'x'"), std::string::npos);
  EXPECT_EQ(qopt_rt_signature_check("qopt-model 1\nweights 3\n", nullptr,
                                    nullptr),
            -1);
  EXPECT_NE(error().find("unknown keyword 'weights'"), std::string::npos);
  EXPECT_EQ(qopt_rt_signature_check("qopt-model 1\ninput 0 x y float 0\n",
                                    nullptr, nullptr),
            -1);
  EXPECT_NE(error().find("unknown dtype 'y'"), std::string::npos);
}

class AddModel : public ::testing::Test {
protected:
  void SetUp() override {
    model.reset(qopt_rt_model_load(fixture("add.so").c_str(), nullptr));
    ASSERT_TRUE(model) << error();
  }
  Model model;
};

TEST_F(AddModel, RunByPositionAndByName) {
  Tensor a = makeFloat({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor b = makeFloat({2, 3}, {10, 20, 30, 40, 50, 60});
  const qopt_rt_tensor *inputs[] = {a.get(), b.get()};
  qopt_rt_tensor *out = nullptr;
  ASSERT_EQ(qopt_rt_model_run(model.get(), inputs, &out), 0) << error();
  Tensor sum(out);
  EXPECT_STREQ(qopt_rt_tensor_name(sum.get()), "sum");
  ASSERT_EQ(qopt_rt_tensor_rank(sum.get()), 2);
  EXPECT_EQ(qopt_rt_tensor_dims(sum.get())[0], 2);
  EXPECT_EQ(qopt_rt_tensor_dims(sum.get())[1], 3);
  const float *values = static_cast<float *>(qopt_rt_tensor_data(sum.get()));
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(values[i], 11.0f * (i + 1));

  // By name, in the other order: b - binds to "b" even though it comes first.
  const char *names[] = {"b", "a"};
  const qopt_rt_tensor *swapped[] = {b.get(), a.get()};
  ASSERT_EQ(qopt_rt_model_run_named(model.get(), 2, names, swapped, &out), 0)
      << error();
  Tensor again(out);
  Model freed(std::move(model));
  freed.reset(); // Outputs outlive the model.
  EXPECT_EQ(std::memcmp(qopt_rt_tensor_data(again.get()), values, 24), 0);
}

TEST_F(AddModel, InputErrors) {
  Tensor a = makeFloat({2, 3}, {1, 2, 3, 4, 5, 6});
  int64_t dims[] = {2, 3};
  Tensor wrongType(qopt_rt_tensor_create(QOPT_DTYPE_INT64, 2, dims));
  Tensor wrongRank = makeFloat({6}, {1, 2, 3, 4, 5, 6});
  Tensor otherShape = makeFloat({3, 2}, {1, 2, 3, 4, 5, 6});
  qopt_rt_tensor *out = reinterpret_cast<qopt_rt_tensor *>(0x1);

  const qopt_rt_tensor *typed[] = {wrongType.get(), a.get()};
  EXPECT_EQ(qopt_rt_model_run(model.get(), typed, &out), -1);
  EXPECT_EQ(error(), "input 'a': expected float, got int64");
  EXPECT_EQ(out, nullptr);

  const qopt_rt_tensor *ranked[] = {a.get(), wrongRank.get()};
  EXPECT_EQ(qopt_rt_model_run(model.get(), ranked, &out), -1);
  EXPECT_EQ(error(), "input 'b': expected rank 2 [?, ?], got rank 1 [6]");

  const qopt_rt_tensor *unbound[] = {a.get(), nullptr};
  EXPECT_EQ(qopt_rt_model_run(model.get(), unbound, &out), -1);
  EXPECT_EQ(error(), "input 'b': not bound");

  // Dynamic dims pass the runtime's check; this fixture's run then fails.
  const qopt_rt_tensor *mismatched[] = {a.get(), otherShape.get()};
  EXPECT_EQ(qopt_rt_model_run(model.get(), mismatched, &out), -1);
  EXPECT_EQ(error(), "model 'add' failed: add_run returned 3");

  const char *unknown[] = {"a", "c"};
  EXPECT_EQ(qopt_rt_model_run_named(model.get(), 2, unknown, ranked, &out), -1);
  EXPECT_EQ(error(), "unknown input 'c' (model inputs: a, b)");
  const char *twice[] = {"a", "a"};
  EXPECT_EQ(qopt_rt_model_run_named(model.get(), 2, twice, ranked, &out), -1);
  EXPECT_EQ(error(), "input 'a' bound twice");
  EXPECT_EQ(qopt_rt_model_run_named(model.get(), 1, twice, ranked, &out), -1);
  EXPECT_EQ(error(), "input 'b' not given");
}

TEST_F(AddModel, Benchmark) {
  Tensor a = makeFloat({1, 2}, {1, 2});
  const qopt_rt_tensor *inputs[] = {a.get(), a.get()};
  qopt_rt_benchmark_result result;
  ASSERT_EQ(qopt_rt_model_benchmark(model.get(), inputs, 5, &result), 0);
  EXPECT_EQ(result.runs, 5);
  EXPECT_LE(result.min_ns, result.median_ns);
  EXPECT_LE(result.median_ns, result.max_ns);
  EXPECT_EQ(qopt_rt_model_benchmark(model.get(), inputs, 0, &result), -1);
}

TEST(MultiModel, OutputDtypesRankZeroAndSharedAllocation) {
  Model model(qopt_rt_model_load(fixture("multi.so").c_str(), nullptr));
  ASSERT_TRUE(model) << error();
  Tensor x = makeFloat({2, 4}, {1, 5, -3, 2, -10, -20, 300, 0});
  Tensor offset(qopt_rt_tensor_create(QOPT_DTYPE_INT32, 0, nullptr));
  *static_cast<int32_t *>(qopt_rt_tensor_data(offset.get())) = 1;
  const qopt_rt_tensor *inputs[] = {x.get(), offset.get()};
  qopt_rt_tensor *raw[5];
  ASSERT_EQ(qopt_rt_model_run(model.get(), inputs, raw), 0) << error();
  Tensor argmax(raw[0]), positive(raw[1]), total(raw[2]), lo(raw[3]),
      hi(raw[4]);

  EXPECT_EQ(qopt_rt_tensor_dtype(argmax.get()), QOPT_DTYPE_INT64);
  auto *indices = static_cast<int64_t *>(qopt_rt_tensor_data(argmax.get()));
  EXPECT_EQ(indices[0], 1);
  EXPECT_EQ(indices[1], 2);

  auto *flags = static_cast<uint8_t *>(qopt_rt_tensor_data(positive.get()));
  std::vector<uint8_t> wantFlags = {1, 1, 0, 1, 0, 0, 1, 1};
  EXPECT_EQ(std::vector<uint8_t>(flags, flags + 8), wantFlags);

  EXPECT_EQ(qopt_rt_tensor_rank(total.get()), 0);
  EXPECT_EQ(qopt_rt_tensor_num_elements(total.get()), 1);
  EXPECT_STREQ(qopt_rt_tensor_name(total.get()), "total sum");
  EXPECT_EQ(*static_cast<float *>(qopt_rt_tensor_data(total.get())), 283.0f);

  auto *low = static_cast<uint8_t *>(qopt_rt_tensor_data(lo.get()));
  auto *high = static_cast<uint8_t *>(qopt_rt_tensor_data(hi.get()));
  EXPECT_EQ(high, low + 8) << "hi and lo share one allocation";
  std::vector<uint8_t> wantLow = {2, 6, 0, 3, 0, 0, 255, 1};
  EXPECT_EQ(std::vector<uint8_t>(low, low + 8), wantLow);
  // The shared block is freed once, when its last user goes.
  lo.reset();
  EXPECT_EQ(high[0], 253);
  EXPECT_EQ(high[7], 254);
}

TEST(MultiModel, StaticDimAndRankZeroErrors) {
  Model model(qopt_rt_model_load(fixture("multi.so").c_str(), nullptr));
  ASSERT_TRUE(model) << error();
  Tensor x = makeFloat({1, 5}, {1, 2, 3, 4, 5});
  Tensor offset(qopt_rt_tensor_create(QOPT_DTYPE_INT32, 0, nullptr));
  const qopt_rt_tensor *inputs[] = {x.get(), offset.get()};
  qopt_rt_tensor *raw[5];
  EXPECT_EQ(qopt_rt_model_run(model.get(), inputs, raw), -1);
  EXPECT_EQ(error(), "input 'x' dim 1: expected 4, got 5");
  for (qopt_rt_tensor *tensor : raw)
    EXPECT_EQ(tensor, nullptr);

  Tensor good = makeFloat({1, 4}, {1, 2, 3, 4});
  int64_t one = 1;
  Tensor vector(qopt_rt_tensor_create(QOPT_DTYPE_INT32, 1, &one));
  const qopt_rt_tensor *notScalar[] = {good.get(), vector.get()};
  EXPECT_EQ(qopt_rt_model_run(model.get(), notScalar, raw), -1);
  EXPECT_EQ(error(), "input 'offset': expected rank 0 [], got rank 1 [1]");
}

TEST(BadModel, FailingRunIsAnError) {
  Model model(qopt_rt_model_load(fixture("bad.so").c_str(), "fails"));
  ASSERT_TRUE(model) << error();
  qopt_rt_tensor *out;
  EXPECT_EQ(qopt_rt_model_run(model.get(), nullptr, &out), -1);
  EXPECT_EQ(error(), "model 'fails' failed: fails_run returned 7");
}

TEST(Timing, MonotonicClockAndPeakRss) {
  uint64_t first = qopt_rt_now_ns();
  uint64_t second = qopt_rt_now_ns();
  EXPECT_GT(first, 0u);
  EXPECT_GE(second, first);
  EXPECT_GT(qopt_rt_peak_rss_bytes(), 1 << 20);
}

TEST(Allocator, KeepFreedMemoryServesLargeBlocksFromTheHeap) {
  ASSERT_EQ(qopt_rt_keep_freed_memory(), 0);
  // Without the call glibc maps a 16 MiB block on its own (hblkhd grows) and
  // unmaps it on free; with it the block comes from the heap, which keeps
  // its size after the free.
  constexpr size_t kSize = 16u << 20;
  struct mallinfo2 before = mallinfo2();
  void *block = std::malloc(kSize);
  ASSERT_NE(block, nullptr);
  std::memset(block, 1, kSize);
  struct mallinfo2 during = mallinfo2();
  EXPECT_EQ(during.hblkhd, before.hblkhd);
  EXPECT_GE(during.arena, before.arena + kSize);
  std::free(block);
  struct mallinfo2 after = mallinfo2();
  EXPECT_EQ(after.arena, during.arena);
}

TEST(Threads, PreferSpinningKeepsTheUsersChoice) {
  ASSERT_EQ(setenv("OMP_WAIT_POLICY", "passive", 1), 0);
  EXPECT_EQ(qopt_rt_prefer_spinning_threads(), 0);
  EXPECT_STREQ(getenv("OMP_WAIT_POLICY"), "passive");
  ASSERT_EQ(unsetenv("OMP_WAIT_POLICY"), 0);
  EXPECT_EQ(qopt_rt_prefer_spinning_threads(), 0);
  EXPECT_STREQ(getenv("OMP_WAIT_POLICY"), "active");
}

TEST(WriteOutputs, AllOrNothing) {
  TempDir dir;
  Tensor a = makeFloat({2}, {1, 2});
  Tensor b = makeFloat({}, {3});
  qopt_rt_tensor_set_name(a.get(), "first");
  const qopt_rt_tensor *tensors[] = {a.get(), b.get()};
  ASSERT_EQ(qopt_rt_write_outputs_pb(dir.path().c_str(), 2, tensors), 0)
      << error();
  std::vector<std::string> names;
  DIR *listing = opendir(dir.path().c_str());
  while (dirent *entry = readdir(listing))
    if (entry->d_name[0] != '.')
      names.push_back(entry->d_name);
  closedir(listing);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"output_0.pb", "output_1.pb"}));
  Tensor back(qopt_rt_read_pb(dir.file("output_0.pb").c_str()));
  ASSERT_TRUE(back) << error();
  EXPECT_STREQ(qopt_rt_tensor_name(back.get()), "first");

  std::string missing = dir.file("no/such/dir");
  EXPECT_EQ(qopt_rt_write_outputs_pb(missing.c_str(), 2, tensors), -1);
  EXPECT_NE(error().find(missing + "/output_0.pb: cannot create"),
            std::string::npos)
      << error();
}

} // namespace
