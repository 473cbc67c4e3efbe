"""quant_opt.tools end to end on the bundled models: fp32 perplexity and
accuracy of quant-opt's compiled code agree with ONNX Runtime on the same
data, greedy generation agrees with the full-sequence model, and preset
discovery handles a quant-opt without presets.

Uses a small slice of held-out text (4,096 bytes: 31 windows) to stay fast;
the full numbers are in docs/evaluation.md.
"""

import os
import stat

import numpy as np
import pytest

from quant_opt import metrics, tools

LM = os.path.join(tools.ROOT, "models", "byte_lm")
DIGITS = os.path.join(tools.ROOT, "models", "digits_cnn")


def _built():
    try:
        tools.tool("quant-opt")
        tools.tool("quant-run")
        return True
    except tools.ToolError:
        return False


needs_build = pytest.mark.skipif(not _built(), reason="quant-opt / quant-run "
                                 "not built (set QOPT_BUILD_DIR)")
needs_ort = pytest.mark.skipif(not tools.ort_available(),
                               reason=".deps/ort missing (scripts/setup.sh)")


@pytest.fixture(scope="module")
def lm_so(tmp_path_factory):
    out = tmp_path_factory.mktemp("lm")
    return tools.compile_model(os.path.join(LM, "byte_lm.onnx"),
                               str(out / "byte_lm.so"))


@pytest.fixture(scope="module")
def text_slice(tmp_path_factory):
    path = tmp_path_factory.mktemp("text") / "slice.txt"
    with open(os.path.join(LM, "heldout.txt"), "rb") as f:
        path.write_bytes(f.read(4096))
    return str(path)


@needs_build
@needs_ort
def test_byte_lm_fp32_perplexity_matches_onnx_runtime(lm_so, text_slice):
    ours = tools.perplexity(lm_so, text_slice, context=256, stride=128,
                            max_context=256)
    tokens = np.frombuffer(open(text_slice, "rb").read(), np.uint8)
    ort = tools.ort_perplexity(os.path.join(LM, "byte_lm.onnx"), tokens, 256,
                               128)
    assert ours["scored_tokens"] == ort["scored_tokens"] == 4095
    assert ours["windows"] == ort["windows"] == 31
    # 4 significant digits, as docs/evaluation.md promises.
    assert f"{ours['perplexity']:.4g}" == f"{ort['perplexity']:.4g}"
    assert ours["perplexity"] == pytest.approx(ort["perplexity"], rel=1e-5)
    # A trained model: far better than uniform over 256 bytes.
    assert 2.0 < ours["perplexity"] < 20.0


@needs_build
def test_compare_to_itself_has_zero_kld(lm_so, text_slice):
    result = tools.perplexity(lm_so, text_slice, context=256, stride=128,
                              max_tokens=600, compare_to=lm_so)
    assert result["kld_mean"] == 0 and result["kld_max"] == 0
    assert result["top1_agreement"] == 1
    assert result["max_abs_logit_diff"] == 0
    assert result["ref_perplexity"] == result["perplexity"]


@needs_build
def test_greedy_generation_matches_the_full_sequence_model(lm_so, tmp_path):
    decode = tools.compile_model(os.path.join(LM, "byte_lm_decode.onnx"),
                                 str(tmp_path / "decode.so"))
    prompt = tmp_path / "prompt.txt"
    with open(os.path.join(LM, "heldout.txt"), "rb") as f:
        prompt.write_bytes(f.read(128))
    result = tools.generate(decode, str(prompt), 8, max_context=256)
    assert result["generated"] == 8 and result["prompt_tokens"] == 128
    assert result["ttft_seconds"] > 0 and result["decode_tokens_per_second"] > 0
    generated = list(result["bytes"])
    assert len(generated) == 8
    # Teacher forcing with the full-sequence graph gives the same argmaxes.
    ids = np.frombuffer(prompt.read_bytes() + bytes(generated[:-1]),
                        np.uint8).astype(np.int64)[None]
    logits = tools.run_model(lm_so, {"input_ids": ids})[0]
    assert list(np.argmax(logits[0, 127:], -1)) == generated


@needs_build
@needs_ort
def test_digits_fp32_accuracy_and_predictions_match_onnx_runtime(tmp_path):
    so = tools.compile_model(os.path.join(DIGITS, "digits_cnn.onnx"),
                             str(tmp_path / "digits.so"))
    ours = tools.accuracy(so, os.path.join(DIGITS, "heldout"))
    ort = tools.ort_accuracy(os.path.join(DIGITS, "digits_cnn.onnx"),
                             os.path.join(DIGITS, "heldout"))
    assert ours["count"] == ort["count"] == 360
    assert np.array_equal(ours["predictions"], ort["predictions"])
    assert ours["correct"] == ort["correct"]
    labels = tools.load_pb(os.path.join(DIGITS, "heldout", "labels.pb"))
    acc, _ = metrics.top1_accuracy(
        tools.load_pb(os.path.join(DIGITS, "heldout", "test_data_set_0",
                                   "output_0.pb")), labels)
    # The model card's 99.44 % (PyTorch's logits at training time).
    assert ours["accuracy"] == pytest.approx(acc) == pytest.approx(358 / 360)


def _fake_quant_opt(tmp_path, script):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    exe = bin_dir / "quant-opt"
    exe.write_text("#!/bin/sh\n" + script)
    exe.chmod(exe.stat().st_mode | stat.S_IEXEC)
    return str(tmp_path)


def test_presets_are_discovered_at_run_time(tmp_path, monkeypatch):
    build = _fake_quant_opt(tmp_path, 'echo w8a8\necho w4a16-rtn\necho\n')
    monkeypatch.setenv("QOPT_BUILD_DIR", build)
    assert tools.list_presets() == ["w8a8", "w4a16-rtn"]


def test_no_list_presets_flag_means_fp32_only(tmp_path, monkeypatch):
    build = _fake_quant_opt(
        tmp_path, "echo \"quant-opt: Unknown command line argument "
        "'--list-presets'\" >&2\nexit 1\n")
    monkeypatch.setenv("QOPT_BUILD_DIR", build)
    assert tools.list_presets() == []


def test_missing_tool_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("QOPT_BUILD_DIR", str(tmp_path))
    with pytest.raises(tools.ToolError, match="quant-run: not built"):
        tools.tool("quant-run")


@needs_build
def test_quant_run_errors_surface(tmp_path, lm_so):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(tools.ToolError, match="no tokens"):
        tools.perplexity(lm_so, str(empty), context=256)
    with pytest.raises(tools.ToolError,
                       match="context 512 is larger than the model supports"):
        tools.perplexity(lm_so, os.path.join(LM, "heldout.txt"), context=512,
                         max_context=256)
