// The tensors a kernel's Compute receives: views over ONNX Runtime's kernel context, built with
// the public C and C++ API only (register.cc creates them for each Compute call, and reads the
// constant inputs of a CPU kernel once when the kernel is created).
//
// Inputs and outputs are float32 unless a kernel declares other element types (the uint8 ops do,
// register.cc); ONNX Runtime refuses other element types when the session is created, so Data()
// (float) and DataAs<T>() read what the op declared. Inputs are declared
// optional to ONNX Runtime, so a view may be absent and the kernels check that each is present.
// Constructors may throw Ort::Exception; register.cc turns it into an error status.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <vector>

#include "onnxruntime_cxx_api.h"

namespace asnet {

/// The dimensions of a tensor value, and its element count and type where asked, through the C
/// API (the C++ wrappers would allocate a second vector per call). A status on failure.
inline OrtStatus* ReadTensorInfo(const OrtApi& api, const OrtValue* value, std::vector<int64_t>* shape,
                                 size_t* count = nullptr, ONNXTensorElementDataType* type = nullptr) {
  OrtTensorTypeAndShapeInfo* ti = nullptr;
  OrtStatus* st = api.GetTensorTypeAndShape(value, &ti);
  if (st != nullptr) return st;
  size_t rank = 0;
  st = api.GetDimensionsCount(ti, &rank);
  if (st == nullptr) {
    shape->resize(rank);
    st = api.GetDimensions(ti, shape->data(), rank);
  }
  if (st == nullptr && count != nullptr) st = api.GetTensorShapeElementCount(ti, count);
  if (st == nullptr && type != nullptr) st = api.GetTensorElementType(ti, type);
  api.ReleaseTensorTypeAndShapeInfo(ti);
  return st;
}

/// A node input that is a constant initializer, read once when ONNX Runtime creates the kernel:
/// its shape and a copy of its bytes. Every call then skips the C API calls that read an input's
/// type and shape (each allocates; measured in a chain of ChannelAffineNhwcU8 nodes on 16 bytes,
/// reading four inputs per call made a custom node cost 0.8 us against 0.3 us for a built-in one).
/// Absent (false) when the input is computed, a graph input (an initializer that is also a graph
/// input can be overridden per run), missing, or larger than kMaxBytes.
class ConstantInput {
 public:
  /// Constants larger than this are read per call instead of copied (asnet's ops have small
  /// parameter inputs: shifts [C, 2], per-channel integers, scalars).
  static constexpr size_t kMaxBytes = size_t{1} << 20;

  ConstantInput() = default;
  /// Reads input `index` of the node being created; absent when it is not a constant or anything
  /// about it cannot be read (the per-call path then reports the problem).
  ConstantInput(const OrtApi* api, const OrtKernelInfo* info, size_t index) {
    int is_constant = 0;
    const OrtValue* value = nullptr;
    OrtStatus* st = api->KernelInfoGetConstantInput_tensor(info, index, &is_constant, &value);
    if (st != nullptr) {
      api->ReleaseStatus(st);
      return;
    }
    if (!is_constant || value == nullptr) return;
    size_t count = 0;
    ONNXTensorElementDataType type = ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED;
    if ((st = ReadTensorInfo(*api, value, &shape_, &count, &type)) != nullptr) {
      api->ReleaseStatus(st);
      return;
    }
    const size_t size = ElementSize(type);
    void* raw = nullptr;
    if (size == 0 || count > kMaxBytes / size) return;
    if ((st = api->GetTensorMutableData(const_cast<OrtValue*>(value), &raw)) != nullptr) {
      api->ReleaseStatus(st);
      return;
    }
    // A copy: the kernel never depends on how long ONNX Runtime keeps its initializer buffer.
    const auto* bytes = static_cast<const unsigned char*>(raw);
    bytes_.assign(bytes, bytes + count * size);
    present_ = true;
  }

  explicit operator bool() const { return present_; }
  const std::vector<int64_t>& Shape() const { return shape_; }
  const void* Data() const { return bytes_.data(); }

 private:
  // The element sizes of the types asnet's ops declare (0: not copied).
  static size_t ElementSize(ONNXTensorElementDataType t) {
    switch (t) {
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT:
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32: return 4;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8:
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8: return 1;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64: return 8;
      default: return 0;
    }
  }

  std::vector<int64_t> shape_;
  std::vector<unsigned char> bytes_;  // vector storage: aligned for every element type above
  bool present_ = false;
};

/// Input `index` of the running node: its shape and data, or absent (false) when the node does
/// not have that input. Not copyable: a view for the duration of one Compute call.
class InputTensor {
 public:
  /// Reads the input from the kernel context (its type and shape through the C API), or takes it
  /// from `constant` when that holds it (read when the kernel was created).
  InputTensor(OrtKernelContext* ctx, size_t index, const ConstantInput* constant = nullptr) {
    if (constant != nullptr && *constant) {
      shape_ = &constant->Shape();
      raw_ = constant->Data();
      present_ = true;
      return;
    }
    const OrtApi& api = Ort::GetApi();
    size_t count = 0;
    Ort::ThrowOnError(api.KernelContext_GetInputCount(ctx, &count));
    if (index >= count) return;
    const OrtValue* value = nullptr;
    Ort::ThrowOnError(api.KernelContext_GetInput(ctx, index, &value));
    if (value == nullptr) return;
    Ort::ThrowOnError(ReadTensorInfo(api, value, &own_shape_));
    void* raw = nullptr;
    Ort::ThrowOnError(api.GetTensorMutableData(const_cast<OrtValue*>(value), &raw));
    raw_ = raw;
    present_ = true;
  }
  InputTensor(const InputTensor&) = delete;
  InputTensor& operator=(const InputTensor&) = delete;

  explicit operator bool() const { return present_; }
  const std::vector<int64_t>& Shape() const { return *shape_; }
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
    for (int64_t d : *shape_) {
      if (d == 0) return 0;
    }
    for (int64_t d : *shape_) n *= d;
    return n;
  }

 private:
  std::vector<int64_t> own_shape_;
  const std::vector<int64_t>* shape_ = &own_shape_;  // own_shape_ or a ConstantInput's
  const void* raw_ = nullptr;
  bool present_ = false;
};

/// Output `index` of the running node, allocated by ONNX Runtime when the kernel knows its shape.
class OutputTensor {
 public:
  OutputTensor(OrtKernelContext* ctx, size_t index) : ctx_(ctx), index_(index) {}

  /// Asks ONNX Runtime for the output with this shape and returns its elements (once per Compute).
  float* Allocate(const std::vector<int64_t>& shape) { return AllocateAs<float>(shape); }
  float* Allocate(std::initializer_list<int64_t> shape) { return AllocateAs<float>(shape); }
  /// The same for an output the op declares with another element type.
  template <typename T>
  T* AllocateAs(const std::vector<int64_t>& shape) {
    return static_cast<T*>(Get(shape.data(), shape.size()));
  }
  template <typename T>
  T* AllocateAs(std::initializer_list<int64_t> shape) {
    return static_cast<T*>(Get(shape.begin(), shape.size()));
  }

 private:
  // The C API directly: no shape vector per call.
  void* Get(const int64_t* dims, size_t rank) {
    const OrtApi& api = Ort::GetApi();
    OrtValue* value = nullptr;
    Ort::ThrowOnError(api.KernelContext_GetOutput(ctx_, index_, dims, rank, &value));
    void* data = nullptr;
    Ort::ThrowOnError(api.GetTensorMutableData(value, &data));
    return data;
  }

  OrtKernelContext* ctx_;
  size_t index_;
};

}  // namespace asnet
