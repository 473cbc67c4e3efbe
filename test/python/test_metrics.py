"""quant_opt.metrics against hand-computed values on tiny inputs."""

import math

import numpy as np
import pytest

from quant_opt import metrics


def test_plan_windows_stride_counts():
    # 10 tokens, context 4, stride 2: the first window scores targets 1..3,
    # each later one its last 2 tokens.
    assert metrics.plan_windows(10, 4, 2) == [
        (0, 4, 1), (2, 6, 4), (4, 8, 6), (6, 10, 8)]


@pytest.mark.parametrize("n,context,stride", [
    (2, 2, 1), (7, 5, 3), (100, 16, 8), (257, 256, 128), (1000, 256, 255),
    (50, 8, 3)])
def test_every_token_but_the_first_scored_once(n, context, stride):
    scored = np.zeros(n, int)
    for begin, end, score_begin in metrics.plan_windows(n, context, stride):
        assert end - begin <= context
        assert score_begin > begin
        scored[score_begin:end] += 1
    assert scored[0] == 0
    assert (scored[1:] == 1).all()


def test_plan_windows_matches_the_runtime_count():
    # EvalTest.UniformModelPerplexityIsVocabularySize: 15 windows.
    assert len(metrics.plan_windows(50, 8, 3)) == 15


@pytest.mark.parametrize("args", [(1, 4, 2), (10, 4, 5), (10, 4, 4), (10, 4, 0),
                                  (10, 1, 1)])
def test_plan_windows_rejects_bad_arguments(args):
    with pytest.raises(ValueError):
        metrics.plan_windows(*args)


def test_uniform_model_perplexity_is_vocabulary_size():
    tokens = np.arange(40) % 16
    windows = metrics.plan_windows(40, 8, 4)
    logits = [np.zeros((e - b, 16), np.float32) for b, e, _ in windows]
    total, count = metrics.score_windows(tokens, windows, logits)
    assert count == 39
    ppl, bits = metrics.perplexity_from_nll(total, count)
    assert ppl == pytest.approx(16.0, rel=1e-12)
    assert bits == pytest.approx(4.0, rel=1e-12)


def test_nll_hand_computed():
    row = np.array([[0.0, math.log(3.0)]])
    assert metrics.token_nll(row, [0])[0] == pytest.approx(math.log(4))
    assert metrics.token_nll(row, [1])[0] == pytest.approx(math.log(4 / 3))
    assert metrics.token_nll(np.array([[1000.0, 1000.0]]), [1])[0] == \
        pytest.approx(math.log(2))


def test_kld_of_identical_models_is_zero():
    rng = np.random.default_rng(0)
    logits = rng.standard_normal((5, 7)).astype(np.float32)
    assert np.all(metrics.token_kld(logits, logits) == 0)
    assert np.allclose(metrics.token_kld(logits, logits + 3), 0, atol=1e-12)
    summary = metrics.compare_logits(logits, logits)
    assert summary["kld_mean"] == 0 and summary["kld_max"] == 0
    assert summary["top1_agreement"] == 1.0
    assert summary["max_abs_logit_diff"] == 0


def test_kld_hand_computed():
    p = np.array([[0.0, math.log(3.0)]])
    q = np.zeros((1, 2))
    assert metrics.token_kld(p, q)[0] == pytest.approx(
        0.25 * math.log(0.5) + 0.75 * math.log(1.5))


def test_top1_agreement_and_percentiles():
    ref = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]], np.float32)
    other = np.array([[1, 0, 0], [1, 0, 0], [0, 0, 1], [0, 2, 0]], np.float32)
    summary = metrics.compare_logits(ref, other)
    assert summary["top1_agreement"] == 0.5
    assert summary["max_abs_logit_diff"] == 2
    kld = metrics.token_kld(ref, other)
    assert summary["kld_p99"] == pytest.approx(np.percentile(kld, 99))
    assert summary["kld_max"] == pytest.approx(kld.max())


def test_accuracy():
    logits = np.array([[0, 1, 0], [5, 1, 2], [0, 0, 9], [1, 2, 3]], np.float32)
    acc, predictions = metrics.top1_accuracy(logits, [1, 0, 1, 2])
    assert acc == 0.75
    assert list(predictions) == [1, 0, 2, 2]
    with pytest.raises(ValueError):
        metrics.top1_accuracy(logits, [1, 2])


def test_report_tables_show_every_scheme_and_failures():
    from quant_opt import report
    lm = {"scheme": "fp32", "bits_per_weight": 32.8, "model_bytes": 23.4e6,
          "perplexity": 5.0, "bits_per_token": 2.32, "kld_mean": 0.0,
          "kld_p99": 0.0, "kld_max": 0.0, "top1_agreement": 0.0,
          "prefill_tokens_per_second": 1000.0, "ttft_seconds": 0.01,
          "decode_tokens_per_second": 200.0, "peak_rss_bytes": 2**27}
    q = dict(lm, scheme="w8a16-rtn", perplexity=5.1, kld_mean=0.01,
             top1_agreement=0.97)
    table = report.lm_table([lm, q], [("w4a16-rtn", "boom")]).splitlines()
    assert len(table) == 5
    assert table[2].startswith("| fp32 | 32.80 | 23.40 MB | 5.0000 | 2.3200 | — |")
    assert "| +0.1000 (+2.00 %) | 0.01000 / 0.0000 / 0.0000 | 97.00 % |" \
        in table[3]
    assert table[4].startswith("| w4a16-rtn | failed: boom |")
    digits = {"scheme": "fp32", "bits_per_weight": 96.0, "model_bytes": 176e3,
              "accuracy": 358 / 360, "correct": 358, "count": 360,
              "run_seconds": 0.001, "agreement": 1.0}
    text = report.digits_table([digits], [])
    assert "| 99.44 % (358/360) | — | — | 1.00 ms |" in text


def test_methods_table_ratios_and_targets():
    from quant_opt import report

    def row(scheme, ppl):
        return {"scheme": scheme, "perplexity": ppl, "kld_mean": 0.001,
                "kld_p99": 0.01, "top1_agreement": 0.99}
    rows = [row("fp32", 4.0), row("w3a16-rtn", 4.4), row("w3a16-gptq", 4.2),
            row("w3a16-awq", 4.36), row("w4a16-rtn", 4.1),
            row("w4a16-gptq", 4.05), row("llm-int8", 4.05)]
    text = report.methods_table(rows)
    lines = text.splitlines()
    # GPTQ: 0.2 / 0.4 = 0.5x RTN's increase; AWQ 0.36 / 0.4 = 0.9x.
    assert any(l.startswith("| w3a16-gptq | GPTQ |") and "| 0.50× |" in l
               for l in lines)
    assert "- met: GPTQ's perplexity increase at w3g128 ≤ 0.7× RTN's " \
        "(Δ +0.2000 vs +0.4000 = 0.50× (limit 0.7×))" in lines
    assert any(l.startswith("- NOT MET: AWQ's perplexity increase") for l in lines)
    assert "- met: GPTQ beats RTN at w4g128 (4.0500 vs 4.1000)" in lines
    # +1.25 % is outside the 1 % band; absent schemes give no target line.
    assert any(l.startswith("- NOT MET: LLM.int8() within 1 %") for l in lines)
    assert not any("NF4" in l for l in lines)
    assert report.methods_table([row("fp32", 4.0)]) == ""
