// The tensors a kernel's Compute receives: float32 views over ONNX Runtime's kernel context, built
// with the public C++ API only (register.cc creates them for each Compute call).
//
// Inputs and outputs are float32 unless a kernel declares other element types (the uint8 ops do,
// register.cc); ONNX Runtime refuses other element types when the session is created, so Data()
// (float) and DataAs<T>() read what the op declared. Inputs are declared
// optional to ONNX Runtime, so a view may be absent and the kernels check that each is present.
// Constructors may throw Ort::Exception; register.cc turns it into an error status.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "onnxruntime_cxx_api.h"

namespace asnet {

/// Input `index` of the running node: its shape and data, or absent (false) when the node does
/// not have that input.
class InputTensor {
 public:
  InputTensor(OrtKernelContext* ctx, size_t index) {
    Ort::KernelContext kc(ctx);
    if (index >= kc.GetInputCount()) return;
    const Ort::ConstValue value = kc.GetInput(index);
    if (value == nullptr) return;
    shape_ = value.GetTensorTypeAndShapeInfo().GetShape();
    raw_ = value.GetTensorRawData();
    present_ = true;
  }

  explicit operator bool() const { return present_; }
  const std::vector<int64_t>& Shape() const { return shape_; }
  /// The elements (host or device memory, wherever ONNX Runtime placed the input).
  const float* Data() const { return static_cast<const float*>(raw_); }
  /// The elements as T, for inputs the op declares with another element type.
  template <typename T>
  const T* DataAs() const {
    return static_cast<const T*>(raw_);
  }
  /// The element count: 0 when a dimension is 0, whatever the others (an existing tensor with no
  /// zero dimension has a count that fits int64, since its bytes are in memory).
  int64_t NumberOfElement() const {
    int64_t n = 1;
    for (int64_t d : shape_) {
      if (d == 0) return 0;
    }
    for (int64_t d : shape_) n *= d;
    return n;
  }

 private:
  std::vector<int64_t> shape_;
  const void* raw_ = nullptr;
  bool present_ = false;
};

/// Output `index` of the running node, allocated by ONNX Runtime when the kernel knows its shape.
class OutputTensor {
 public:
  OutputTensor(OrtKernelContext* ctx, size_t index) : ctx_(ctx), index_(index) {}

  /// Asks ONNX Runtime for the output with this shape and returns its elements (once per Compute).
  float* Allocate(const std::vector<int64_t>& shape) {
    return AllocateAs<float>(shape);
  }
  /// The same for an output the op declares with another element type.
  template <typename T>
  T* AllocateAs(const std::vector<int64_t>& shape) {
    return Ort::KernelContext(ctx_).GetOutput(index_, shape).GetTensorMutableData<T>();
  }

 private:
  OrtKernelContext* ctx_;
  size_t index_;
};

}  // namespace asnet
