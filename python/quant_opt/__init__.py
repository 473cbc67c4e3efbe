"""quant-opt Python package: thin helpers over the quant-opt tools.

Modules:
  onnx_text -- build binary .onnx files from ONNX's textual syntax (used by
               the lit tests and by the example model generator).
"""

__all__ = ["onnx_text"]
