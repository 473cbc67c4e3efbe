"""quant-opt Python package: thin helpers over the quant-opt tools.

Modules:
  onnx_text -- build binary .onnx files from ONNX's textual syntax (used by
               the lit tests and by the example model generator).
  tools     -- compile (quant-opt), run and evaluate (quant-run) models,
               discover the quantization presets, run the ONNX Runtime peer.
  metrics   -- the evaluation metrics in NumPy (sliding-window perplexity,
               KL divergence, top-1 agreement, accuracy), defined as the
               runtime defines them.
  report    -- `python3 -m quant_opt report`: every preset on the bundled
               models, a Markdown table and a PNG plot.
"""

__all__ = ["onnx_text", "tools", "metrics", "report"]
