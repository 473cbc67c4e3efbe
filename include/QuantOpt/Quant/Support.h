//===- Support.h - Spans and status for the numerics library ----*- C++ -*-===//
//
// lib/Quant is plain C++17 with no LLVM / MLIR dependency: it links into the
// compiler and into unit tests alone. Inputs are spans (pointer + size) of
// row-major arrays; errors are returned as a Status holding a message (no
// exceptions).
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_QUANT_SUPPORT_H
#define QUANTOPT_QUANT_SUPPORT_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace qopt::quant {

/// A read-only view of `size()` contiguous elements (like std::span<const T>
/// or llvm::ArrayRef<T>). Does not own the data.
template <typename T> class Span {
public:
  /// An empty span.
  Span() = default;
  /// `size` elements starting at `data`.
  Span(const T *data, size_t size) : data_(data), size_(size) {}
  /// All elements of `vector`.
  Span(const std::vector<T> &vector)
      : data_(vector.data()), size_(vector.size()) {}
  /// Number of elements.
  size_t size() const { return size_; }
  /// True when there are no elements.
  bool empty() const { return size_ == 0; }
  /// Pointer to the first element.
  const T *data() const { return data_; }
  /// Element `i` (unchecked).
  const T &operator[](size_t i) const { return data_[i]; }
  /// Iteration.
  const T *begin() const { return data_; }
  /// Iteration.
  const T *end() const { return data_ + size_; }
  /// Elements [offset, offset + count).
  Span slice(size_t offset, size_t count) const {
    return Span(data_ + offset, count);
  }

private:
  const T *data_ = nullptr;
  size_t size_ = 0;
};

/// Success, or failure with a human-readable message. Functions that can fail
/// return a Status; callers turn the message into an MLIR diagnostic or a
/// command-line error.
class Status {
public:
  /// Success.
  static Status ok() { return Status(); }
  /// Failure with `message` (must not be empty).
  static Status error(std::string message) {
    Status status;
    status.message_ = message.empty() ? "error" : std::move(message);
    return status;
  }
  /// True on success.
  bool isOk() const { return message_.empty(); }
  /// True on failure.
  bool failed() const { return !message_.empty(); }
  /// The error message ("" on success).
  const std::string &message() const { return message_; }

private:
  std::string message_;
};

/// Where the channels of a streamed row-major batch are: the batch is viewed
/// as [outer, numChannels, inner] (flattened), so element `i` belongs to
/// channel `(i / inner) % numChannels`. Per tensor is {1, 1}.
struct ChannelAxis {
  /// Number of channels (1 for per-tensor statistics).
  int64_t numChannels = 1;
  /// Product of the dimensions after the channel axis (1 when the channel is
  /// the last dimension).
  int64_t inner = 1;

  /// Per-tensor statistics.
  static ChannelAxis perTensor() { return {1, 1}; }
  /// Channels along the last dimension (e.g. features of a [rows, K] input).
  static ChannelAxis lastDim(int64_t numChannels) { return {numChannels, 1}; }
  /// Channels along `axis` of a tensor of shape `shape` (negative `axis`
  /// counts from the end). Fails on an axis out of range or a negative dim.
  static Status fromShape(Span<int64_t> shape, int64_t axis, ChannelAxis &out);
  /// Elements per (outer) slice: numChannels * inner.
  int64_t sliceSize() const { return numChannels * inner; }
};

} // namespace qopt::quant

#endif // QUANTOPT_QUANT_SUPPORT_H
