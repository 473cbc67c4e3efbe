// RUN: quant-opt %s --split-input-file --verify-diagnostics --allow-unregistered-dialect --qopt-record-signature="model-name=my-model" | FileCheck %s

// ONNX names, unsigned types and dynamic dimensions are recorded before
// lowering makes the types signless; the prefix becomes a C identifier.
// CHECK: module attributes {qopt.signature = "qopt-model 1\0Aname my_model\0Ainput 0 ids int64 2 ? 16\0Ainput 1 mask%20bits uint8 1 16\0Aoutput 0 logits float 3 ? 16 256\0Aoutput 1 flag bool 0\0A"}
func.func @main_graph(%ids: tensor<?x16xi64> {onnx.name = "ids"},
                      %mask: tensor<16xui8> {onnx.name = "mask bits"})
    -> (tensor<?x16x256xf32> {onnx.name = "logits"}, tensor<i1> {onnx.name = "flag"}) {
  %0 = "test.logits"(%ids) : (tensor<?x16xi64>) -> tensor<?x16x256xf32>
  %1 = "test.flag"() : () -> tensor<i1>
  return %0, %1 : tensor<?x16x256xf32>, tensor<i1>
}

// -----

// expected-error @+2 {{input 'x' has type 'tensor<*xf32>': the compiled-model ABI needs ranked tensors}}
// expected-error @+1 {{output 'output_0' has type 'tensor<*xf32>'}}
func.func @main_graph(%x: tensor<*xf32> {onnx.name = "x"}) -> tensor<*xf32> {
  return %x : tensor<*xf32>
}

// -----

// expected-error @+2 {{input 'x': element type 'f8E4M3FN' is not supported by the compiled-model ABI}}
// expected-error @+1 {{output 'output_0': element type 'f8E4M3FN' is not supported}}
func.func @main_graph(%x: tensor<4xf8E4M3FN> {onnx.name = "x"}) -> tensor<4xf8E4M3FN> {
  return %x : tensor<4xf8E4M3FN>
}

// -----

// expected-error @+1 {{no entry function '@main_graph'}}
module {
  func.func @other() {
    return
  }
}

// -----

// Named dynamic dimensions (the importer's onnx.input_dim_params) are written
// as ?NAME, percent-encoded; static and unnamed ones are unchanged.
// CHECK: qopt.signature = "qopt-model 1\0Aname my_model\0Ainput 0 ids int64 3 ?batch ?seq%20len 8\0Ainput 1 mask bool 1 ?\0Aoutput 0 out int64 3 ? ? 8\0A"
func.func @main_graph(%ids: tensor<?x?x8xi64> {onnx.name = "ids"}, %mask: tensor<?xi1> {onnx.name = "mask"})
    -> (tensor<?x?x8xi64> {onnx.name = "out"})
    attributes {onnx.input_dim_params = {ids = ["batch", "seq len", "eight"]}} {
  return %ids : tensor<?x?x8xi64>
}
