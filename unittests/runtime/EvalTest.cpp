//===- EvalTest.cpp - Evaluation metrics against hand-computed values -----===//

#include "TestUtil.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sys/stat.h>

using namespace qopt::rt::test;

namespace {

std::string error() { return qopt_rt_last_error(); }

TEST(EvalMetrics, UniformRowNllIsLogVocab) {
  std::vector<float> row(256, 0.25f);
  EXPECT_NEAR(qopt_rt_token_nll(row.data(), 256, 7), std::log(256.0), 1e-12);
  EXPECT_TRUE(std::isnan(qopt_rt_token_nll(row.data(), 256, 256)));
  EXPECT_TRUE(std::isnan(qopt_rt_token_nll(row.data(), 256, -1)));
}

TEST(EvalMetrics, NllOfTwoWayRow) {
  // softmax([0, ln 3]) = [1/4, 3/4].
  float row[2] = {0.0f, static_cast<float>(std::log(3.0))};
  EXPECT_NEAR(qopt_rt_token_nll(row, 2, 0), std::log(4.0), 1e-7);
  EXPECT_NEAR(qopt_rt_token_nll(row, 2, 1), std::log(4.0 / 3.0), 1e-7);
  // Large logits must not overflow.
  float big[2] = {1000.0f, 1000.0f};
  EXPECT_NEAR(qopt_rt_token_nll(big, 2, 1), std::log(2.0), 1e-12);
}

TEST(EvalMetrics, KldOfIdenticalRowsIsZero) {
  float row[4] = {1.5f, -2.0f, 0.25f, 7.0f};
  EXPECT_EQ(qopt_rt_token_kld(row, row, 4), 0.0);
  // Shifting every logit by a constant leaves the distribution unchanged.
  float shifted[4] = {11.5f, 8.0f, 10.25f, 17.0f};
  EXPECT_NEAR(qopt_rt_token_kld(row, shifted, 4), 0.0, 1e-12);
}

TEST(EvalMetrics, KldHandComputed) {
  // P = [1/4, 3/4], Q = [1/2, 1/2]:
  // KL = 1/4 ln(1/2) + 3/4 ln(3/2).
  float p[2] = {0.0f, static_cast<float>(std::log(3.0))};
  float q[2] = {0.0f, 0.0f};
  double expected = 0.25 * std::log(0.5) + 0.75 * std::log(1.5);
  EXPECT_NEAR(qopt_rt_token_kld(p, q, 2), expected, 1e-7);
  // Not symmetric: KL(Q || P) = 1/2 ln 2 + 1/2 ln(2/3).
  EXPECT_NEAR(qopt_rt_token_kld(q, p, 2),
              0.5 * std::log(2.0) + 0.5 * std::log(2.0 / 3.0), 1e-7);
}

TEST(EvalMetrics, ArgmaxTakesTheFirstOfTies) {
  float values[5] = {1, 3, 2, 3, -1};
  EXPECT_EQ(qopt_rt_argmax(values, 5), 1);
  EXPECT_EQ(qopt_rt_argmax(values, 0), -1);
}

TEST(EvalMetrics, QuantileInterpolatesLikeNumPy) {
  double values[5] = {5, 1, 4, 2, 3};
  EXPECT_EQ(qopt_rt_quantile(values, 5, 0.0), 1);
  EXPECT_EQ(qopt_rt_quantile(values, 5, 0.5), 3);
  EXPECT_EQ(qopt_rt_quantile(values, 5, 1.0), 5);
  // numpy.percentile([1..5], 99) = 1 + 0.99 * 4 = 4.96.
  EXPECT_NEAR(qopt_rt_quantile(values, 5, 0.99), 4.96, 1e-12);
  EXPECT_TRUE(std::isnan(qopt_rt_quantile(values, 0, 0.5)));
}

std::vector<qopt_rt_window> plan(int64_t n, int64_t context, int64_t stride) {
  int64_t count = qopt_rt_plan_windows(n, context, stride, nullptr, 0);
  EXPECT_GT(count, 0);
  std::vector<qopt_rt_window> windows(count);
  EXPECT_EQ(qopt_rt_plan_windows(n, context, stride, windows.data(), count),
            count);
  return windows;
}

TEST(EvalWindows, StrideScoringCounts) {
  // 10 tokens, context 4, stride 2: windows [0,4) [2,6) [4,8) [6,10); the
  // first scores targets 1..3, each later one its last 2 tokens.
  std::vector<qopt_rt_window> windows = plan(10, 4, 2);
  ASSERT_EQ(windows.size(), 4u);
  int64_t expected[4][3] = {{0, 4, 1}, {2, 6, 4}, {4, 8, 6}, {6, 10, 8}};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(windows[i].begin, expected[i][0]) << i;
    EXPECT_EQ(windows[i].end, expected[i][1]) << i;
    EXPECT_EQ(windows[i].score_begin, expected[i][2]) << i;
  }
}

TEST(EvalWindows, EveryTokenButTheFirstScoredOnce) {
  for (int64_t n : {int64_t{2}, int64_t{3}, int64_t{7}, int64_t{100}, int64_t{257}, int64_t{1000}})
    for (int64_t context : {int64_t{2}, int64_t{5}, int64_t{16}, int64_t{256}})
      for (int64_t stride : {int64_t{1}, int64_t{3}, context / 2, context - 1}) {
        if (stride < 1 || stride >= context)
          continue;
        std::vector<int> scored(n, 0);
        for (const qopt_rt_window &w : plan(n, context, stride)) {
          ASSERT_LE(w.end - w.begin, context);
          ASSERT_GT(w.score_begin, w.begin);
          for (int64_t t = w.score_begin; t < w.end; ++t)
            ++scored[t];
        }
        EXPECT_EQ(scored[0], 0);
        for (int64_t t = 1; t < n; ++t)
          ASSERT_EQ(scored[t], 1) << n << " " << context << " " << stride
                                  << " token " << t;
      }
}

TEST(EvalWindows, ShortTextIsOneWindow) {
  std::vector<qopt_rt_window> windows = plan(5, 256, 128);
  ASSERT_EQ(windows.size(), 1u);
  EXPECT_EQ(windows[0].end, 5);
  EXPECT_EQ(windows[0].score_begin, 1);
}

TEST(EvalWindows, BadArguments) {
  EXPECT_EQ(qopt_rt_plan_windows(1, 4, 2, nullptr, 0), -1);
  EXPECT_EQ(qopt_rt_plan_windows(10, 4, 5, nullptr, 0), -1);
  EXPECT_EQ(qopt_rt_plan_windows(10, 4, 4, nullptr, 0), -1);
  EXPECT_EQ(qopt_rt_plan_windows(10, 4, 0, nullptr, 0), -1);
  EXPECT_EQ(qopt_rt_plan_windows(10, 1, 1, nullptr, 0), -1);
}

struct Tokens {
  int64_t *data = nullptr;
  int64_t count = 0;
  ~Tokens() { std::free(data); }
};

TEST(EvalTokens, RawTextIsBytes) {
  TempDir dir;
  std::ofstream(dir.file("t.txt"), std::ios::binary) << "ab\xff";
  Tokens tokens;
  ASSERT_EQ(qopt_rt_read_tokens(dir.file("t.txt").c_str(), &tokens.data,
                                &tokens.count),
            0)
      << error();
  ASSERT_EQ(tokens.count, 3);
  EXPECT_EQ(tokens.data[0], 97);
  EXPECT_EQ(tokens.data[2], 255);
}

TEST(EvalTokens, NpyTokenIds) {
  TempDir dir;
  int64_t dims[2] = {2, 2};
  Tensor ids(qopt_rt_tensor_create(QOPT_DTYPE_INT32, 2, dims));
  int32_t values[4] = {1000, 3, 0, 70000};
  std::memcpy(qopt_rt_tensor_data(ids.get()), values, sizeof(values));
  ASSERT_EQ(qopt_rt_write_npy(dir.file("ids.npy").c_str(), ids.get()), 0);
  Tokens tokens;
  ASSERT_EQ(qopt_rt_read_tokens(dir.file("ids.npy").c_str(), &tokens.data,
                                &tokens.count),
            0)
      << error();
  ASSERT_EQ(tokens.count, 4);
  EXPECT_EQ(tokens.data[0], 1000);
  EXPECT_EQ(tokens.data[3], 70000);
}

TEST(EvalTokens, Errors) {
  TempDir dir;
  std::ofstream(dir.file("empty.txt")).flush();
  Tokens tokens;
  EXPECT_EQ(qopt_rt_read_tokens(dir.file("empty.txt").c_str(), &tokens.data,
                                &tokens.count),
            -1);
  EXPECT_NE(error().find("empty.txt: no tokens (empty file)"),
            std::string::npos);
  EXPECT_EQ(qopt_rt_read_tokens(dir.file("missing.txt").c_str(), &tokens.data,
                                &tokens.count),
            -1);
  EXPECT_NE(error().find("missing.txt"), std::string::npos);
  Tensor floats = makeFloat({2}, {1, 2});
  ASSERT_EQ(qopt_rt_write_npy(dir.file("f.npy").c_str(), floats.get()), 0);
  EXPECT_EQ(qopt_rt_read_tokens(dir.file("f.npy").c_str(), &tokens.data,
                                &tokens.count),
            -1);
  EXPECT_NE(error().find("token ids must be integers, got float"),
            std::string::npos);
}

Model load(const char *name) {
  Model model(qopt_rt_model_load(fixture(name).c_str(), nullptr));
  EXPECT_TRUE(model) << error();
  return model;
}

std::vector<int64_t> sequence(int64_t n) {
  std::vector<int64_t> tokens(n);
  for (int64_t i = 0; i < n; ++i)
    tokens[i] = (i * 7 + i / 3) % 16;
  return tokens;
}

TEST(EvalPerplexity, UniformModelPerplexityIsVocabularySize) {
  Model model = load("uniform_lm.so");
  std::vector<int64_t> tokens = sequence(50);
  qopt_rt_lm_eval_options options = {8, 3, 0};
  qopt_rt_lm_eval_result result;
  ASSERT_EQ(qopt_rt_eval_perplexity(model.get(), nullptr, tokens.data(), 50,
                                    &options, &result),
            0)
      << error();
  EXPECT_EQ(result.vocab, 16);
  EXPECT_EQ(result.scored_tokens, 49);
  // Windows begin at 0, 3, ..., 42 (the one that reaches token 49).
  EXPECT_EQ(result.windows, 15);
  EXPECT_NEAR(result.perplexity, 16.0, 1e-9);
  EXPECT_NEAR(result.bits_per_token, 4.0, 1e-12);
  EXPECT_EQ(result.compared, 0);
}

TEST(EvalPerplexity, CounterModelHandComputed) {
  Model model = load("counter_lm.so");
  // 0 1 2 3 5 6: targets 1, 2, 3, 6 are hits, 5 is a miss.
  std::vector<int64_t> tokens = {0, 1, 2, 3, 5, 6};
  qopt_rt_lm_eval_options options = {4, 2, 0};
  qopt_rt_lm_eval_result result;
  ASSERT_EQ(qopt_rt_eval_perplexity(model.get(), nullptr, tokens.data(), 6,
                                    &options, &result),
            0)
      << error();
  double lse = std::log(std::exp(2.0) + 15);
  double expected = (4 * (lse - 2) + lse) / 5;
  EXPECT_NEAR(result.mean_nll, expected, 1e-6);
  EXPECT_NEAR(result.perplexity, std::exp(expected), 1e-5);
}

TEST(EvalPerplexity, IdenticalModelsHaveZeroKldAndFullAgreement) {
  Model model = load("counter_lm.so");
  Model reference = load("counter_lm.so");
  std::vector<int64_t> tokens = sequence(40);
  qopt_rt_lm_eval_options options = {16, 8, 0};
  qopt_rt_lm_eval_result result;
  ASSERT_EQ(qopt_rt_eval_perplexity(model.get(), reference.get(),
                                    tokens.data(), 40, &options, &result),
            0)
      << error();
  EXPECT_EQ(result.compared, 1);
  EXPECT_EQ(result.kld_mean, 0.0);
  EXPECT_EQ(result.kld_max, 0.0);
  EXPECT_EQ(result.top1_agreement, 1.0);
  EXPECT_EQ(result.max_abs_logit_diff, 0.0);
  EXPECT_EQ(result.ref_perplexity, result.perplexity);
}

TEST(EvalPerplexity, KldAndAgreementAgainstUniformReference) {
  Model model = load("counter_lm.so");
  Model reference = load("uniform_lm.so");
  // Tokens 15, 3, 15, 0, 15, 15: the inputs predicting targets 1..5 are
  // 15, 3, 15, 0, 15; the uniform argmax is 0, the counter's (x+1) mod 16,
  // so they agree where the input is 15: 3 of 5.
  std::vector<int64_t> tokens = {15, 3, 15, 0, 15, 15};
  qopt_rt_lm_eval_options options = {6, 5, 0};
  qopt_rt_lm_eval_result result;
  ASSERT_EQ(qopt_rt_eval_perplexity(model.get(), reference.get(),
                                    tokens.data(), 6, &options, &result),
            0)
      << error();
  // KL(uniform || counter) = log(e^2 + 15) - log 16 - 2/16 at every token.
  double kld = std::log(std::exp(2.0) + 15) - std::log(16.0) - 2.0 / 16;
  EXPECT_NEAR(result.kld_mean, kld, 1e-6);
  EXPECT_NEAR(result.kld_p99, kld, 1e-6);
  EXPECT_NEAR(result.kld_max, kld, 1e-6);
  EXPECT_NEAR(result.top1_agreement, 3.0 / 5, 1e-12);
  EXPECT_EQ(result.max_abs_logit_diff, 2.0);
  EXPECT_NEAR(result.ref_perplexity, 16.0, 1e-9);
}

TEST(EvalPerplexity, StaticSequenceRunsOnlyFullWindows) {
  Model model = load("static_lm.so");
  // 13 tokens, context 8, stride 4: windows [0,8) and [4,12) then [8,13),
  // moved back to [5,13). Every target is token + 1 except 9 (after 5).
  std::vector<int64_t> tokens = {0, 1, 2, 3, 4, 5, 9, 10, 11, 12, 13, 14, 15};
  qopt_rt_lm_eval_options options = {8, 4, 0};
  qopt_rt_lm_eval_result result;
  ASSERT_EQ(qopt_rt_eval_perplexity(model.get(), nullptr, tokens.data(), 13,
                                    &options, &result),
            0)
      << error();
  EXPECT_EQ(result.windows, 3);
  EXPECT_EQ(result.scored_tokens, 12);
  EXPECT_EQ(result.processed_tokens, 24);
  double lse = std::log(std::exp(2.0) + 15);
  EXPECT_NEAR(result.mean_nll, (11 * (lse - 2) + lse) / 12, 1e-6);
  qopt_rt_lm_eval_options other = {6, 3, 0};
  EXPECT_EQ(qopt_rt_eval_perplexity(model.get(), nullptr, tokens.data(), 13,
                                    &other, &result),
            -1);
  EXPECT_NE(error().find("static (8): use --context 8"), std::string::npos);
}

TEST(EvalPerplexity, Errors) {
  Model model = load("uniform_lm.so");
  std::vector<int64_t> tokens = sequence(20);
  qopt_rt_lm_eval_result result;
  qopt_rt_lm_eval_options tooLong = {300, 100, 256};
  EXPECT_EQ(qopt_rt_eval_perplexity(model.get(), nullptr, tokens.data(), 20,
                                    &tooLong, &result),
            -1);
  EXPECT_EQ(error(), "context 300 is larger than the model supports (256)");
  qopt_rt_lm_eval_options badStride = {8, 9, 0};
  EXPECT_EQ(qopt_rt_eval_perplexity(model.get(), nullptr, tokens.data(), 20,
                                    &badStride, &result),
            -1);
  EXPECT_NE(error().find("stride must be in [1, context - 1 = 7]"),
            std::string::npos);
  qopt_rt_lm_eval_options options = {8, 4, 0};
  EXPECT_EQ(qopt_rt_eval_perplexity(model.get(), nullptr, tokens.data(), 1,
                                    &options, &result),
            -1);
  EXPECT_NE(error().find("at least 2 tokens"), std::string::npos);
  tokens[5] = 16; // outside the vocabulary of 16
  EXPECT_EQ(qopt_rt_eval_perplexity(model.get(), nullptr, tokens.data(), 20,
                                    &options, &result),
            -1);
  EXPECT_EQ(error(), "token 5 (id 16) is outside the model's vocabulary of 16");
  // A model that is not a causal LM.
  Model add = load("add.so");
  EXPECT_EQ(qopt_rt_eval_perplexity(add.get(), nullptr, tokens.data(), 20,
                                    &options, &result),
            -1);
  EXPECT_NE(error().find("model 'add' has 2 inputs"), std::string::npos);
}

TEST(EvalGenerate, GreedyDecodingThreadsTheCache) {
  Model model = load("counter_decode.so");
  int64_t prompt[3] = {5, 7, 9};
  int64_t out[6] = {};
  qopt_rt_generate_result result;
  ASSERT_EQ(qopt_rt_generate_greedy(model.get(), prompt, 3, 6, 0, out,
                                    &result),
            0)
      << error();
  EXPECT_EQ(result.prompt_tokens, 3);
  EXPECT_EQ(result.generated, 6);
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(out[i], 8 + i) << i;
  EXPECT_GT(result.ttft_seconds, 0);
  EXPECT_GT(result.decode_tokens_per_second, 0);
}

TEST(EvalGenerate, StopsAtMaxContext) {
  Model model = load("counter_decode.so");
  int64_t prompt[3] = {5, 7, 9};
  int64_t out[6] = {};
  qopt_rt_generate_result result;
  ASSERT_EQ(qopt_rt_generate_greedy(model.get(), prompt, 3, 6, 5, out,
                                    &result),
            0)
      << error();
  EXPECT_EQ(result.generated, 2);
  EXPECT_EQ(qopt_rt_generate_greedy(model.get(), prompt, 3, 6, 3, out,
                                    &result),
            -1);
  EXPECT_NE(error().find("no room"), std::string::npos);
}

TEST(EvalGenerate, NeedsACacheModel) {
  Model model = load("uniform_lm.so");
  int64_t prompt[1] = {1}, out[1];
  qopt_rt_generate_result result;
  EXPECT_EQ(qopt_rt_generate_greedy(model.get(), prompt, 1, 1, 0, out,
                                    &result),
            -1);
  EXPECT_NE(error().find("no 'past_key_values.*' inputs"), std::string::npos);
}

TEST(EvalAccuracy, Top1HandComputed) {
  Tensor logits = makeFloat({4, 3}, {0, 1, 0, /**/ 5, 1, 2, /**/ 0, 0, 9,
                                     /**/ 1, 2, 3});
  int64_t dims[1] = {4};
  Tensor labels(qopt_rt_tensor_create(QOPT_DTYPE_INT64, 1, dims));
  int64_t values[4] = {1, 0, 1, 2};
  std::memcpy(qopt_rt_tensor_data(labels.get()), values, sizeof(values));
  int64_t predictions[4];
  qopt_rt_accuracy_result result;
  ASSERT_EQ(qopt_rt_top1_accuracy(logits.get(), labels.get(), predictions,
                                  &result),
            0)
      << error();
  EXPECT_EQ(result.count, 4);
  EXPECT_EQ(result.correct, 3);
  EXPECT_DOUBLE_EQ(result.accuracy, 0.75);
  EXPECT_EQ(predictions[2], 2);
  Tensor three = makeFloat({3, 1}, {0, 0, 0});
  EXPECT_EQ(qopt_rt_top1_accuracy(three.get(), labels.get(), nullptr,
                                  &result),
            -1);
  EXPECT_EQ(error(), "4 labels for 3 predictions");
}

TEST(EvalAccuracy, DataSetLayoutAndErrors) {
  // The "add" fixture as a classifier needs 2 inputs: rejected by name.
  Model add = load("add.so");
  TempDir dir;
  qopt_rt_accuracy_result result;
  EXPECT_EQ(qopt_rt_eval_accuracy(add.get(), dir.path().c_str(), nullptr,
                                  &result),
            -1);
  EXPECT_NE(error().find("classifier 'add' has 2 inputs"), std::string::npos);
  Model uniform = load("uniform_lm.so");
  EXPECT_EQ(qopt_rt_eval_accuracy(uniform.get(), dir.path().c_str(), nullptr,
                                  &result),
            -1);
  EXPECT_NE(error().find("labels.pb: no such file"), std::string::npos);
  EXPECT_EQ(qopt_rt_eval_accuracy(uniform.get(), dir.file("nope").c_str(),
                                  nullptr, &result),
            -1);
  EXPECT_NE(error().find("nope: no such directory"), std::string::npos);
}

} // namespace
