//===- CudaDriver.h - the CUDA driver behind GPU bundles --------*- C++ -*-===//
//
// Not installed. The model loader's view of CudaDriver.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_RUNTIME_CUDADRIVER_H
#define QOPT_RUNTIME_CUDADRIVER_H

#include <string>

namespace qopt::rt {

/// Opens the CUDA driver and GPU (once). False with a message when there is
/// no driver, no GPU, or a loaded bundle's PTX was rejected.
bool cudaAvailable(std::string &error);

/// The first error of the last GPU run (or of loading / initializing).
std::string cudaLastError();

/// The GPU's name ("" before a successful initialization).
std::string cudaDeviceName();

} // namespace qopt::rt

#endif // QOPT_RUNTIME_CUDADRIVER_H
