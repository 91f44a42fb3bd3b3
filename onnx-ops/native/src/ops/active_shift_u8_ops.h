// ONNX Runtime kernels for the uint8 ActiveShift ops on the CPU: dev.asnet::ActiveShiftU8 (NCHW)
// and dev.asnet::ActiveShiftNhwcU8 (channels-last, the layout of ONNX Runtime's quantized convs at
// level ALL). Both take (X uint8, shift float [C, 2], x_scale float scalar, x_zero_point uint8
// scalar) and return Y uint8 with X's scale and zero point; attribute strides as ActiveShift.
#pragma once

#include <cstddef>
#include <string>

#include "kernel_io.h"
#include "op_contract.h"

namespace asnet {

/// One uint8 ActiveShift kernel; kNhwc chooses the layout of X and Y.
template <bool kNhwc>
struct ActiveShiftU8Cpu {
  static constexpr const char* kName = kNhwc ? kNhwcU8Op : kU8Op;
  /// Y's shape and element type (uint8).
  static void InferShapes(OrtShapeInferContext* ctx);
  /// strides and the declared inputs (count, ranks, channels).
  static std::string CheckKernelInfo(const OrtApi* api, const OrtKernelInfo* info);
  /// X and x_zero_point are uint8, shift and x_scale float.
  static ONNXTensorElementDataType InputType(size_t index) {
    return index == 0 || index == 3 ? ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8 : ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT;
  }
  /// Y is uint8.
  static ONNXTensorElementDataType OutputType(size_t) { return ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8; }

  ActiveShiftU8Cpu(const OrtApi* api, const OrtKernelInfo* info);
  Ort::Status Compute(OrtKernelContext* ctx, const InputTensor& x, const InputTensor& shift,
                      const InputTensor& scale, const InputTensor& zero_point, OutputTensor& y);

 private:
  Strides strides_;
};

using ActiveShiftU8NchwCpu = ActiveShiftU8Cpu<false>;
using ActiveShiftNhwcU8Cpu = ActiveShiftU8Cpu<true>;

/// Validates the inputs of a uint8 ActiveShift (shapes as vectors; scale value and zero point are
/// read by the caller) and returns its logical NCHW geometry; error text otherwise.
std::string CheckU8Inputs(bool nhwc, const std::vector<int64_t>& x, const std::vector<int64_t>& shift,
                          const std::vector<int64_t>& scale, const std::vector<int64_t>& zero_point,
                          const Strides& s, ShiftGeometry* g);

}  // namespace asnet
