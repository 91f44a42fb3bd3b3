// ONNX Runtime kernels for the uint8 ActiveShift ops on the CPU: dev.asnet::ActiveShiftU8 (NCHW)
// and dev.asnet::ActiveShiftNhwcU8 (channels-last, the layout of ONNX Runtime's quantized convs at
// level ALL). Both take (X uint8, shift float [C, 2], x_scale float scalar, x_zero_point uint8
// scalar) and return Y uint8 with X's scale and zero point; attribute strides as ActiveShift.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "asnet/active_shift_u8.h"

#include "kernel_io.h"
#include "op_contract.h"
#include "plan_cache.h"

namespace asnet {

/// The channels-last chunk plans of one ActiveShiftNhwcU8 kernel object, kept between calls
/// (PlanCache: why, the key, thread safety): on the 7x7 maps of a small network making the plans
/// cost about as much as the kernel. Key: the shift values and C, H, W and the column stride.
class NhwcU8PlanCache {
 public:
  using Entry = PlanCache<NhwcU8ChunkPlan>::Entry;
  static constexpr int kMaxValueRebuilds = PlanCache<NhwcU8ChunkPlan>::kMaxValueRebuilds;

  /// Validates shift (the message in *error, null returned) unless it equals the cached values,
  /// and returns the plans for g (non-empty) and shift, cached or new; null with no error when
  /// the shift keeps changing: the caller then plans per call.
  std::shared_ptr<const Entry> Get(const char* op, const ShiftGeometry& g, const float* shift, std::string* error);

 private:
  PlanCache<NhwcU8ChunkPlan> cache_;
};

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
  NhwcU8PlanCache plans_;  // used by the channels-last kernel only
};

using ActiveShiftU8NchwCpu = ActiveShiftU8Cpu<false>;
using ActiveShiftNhwcU8Cpu = ActiveShiftU8Cpu<true>;

/// Validates the inputs of a uint8 ActiveShift (shapes as vectors; scale value and zero point are
/// read by the caller) and returns its logical NCHW geometry; error text otherwise.
std::string CheckU8Inputs(bool nhwc, const std::vector<int64_t>& x, const std::vector<int64_t>& shift,
                          const std::vector<int64_t>& scale, const std::vector<int64_t>& zero_point,
                          const Strides& s, ShiftGeometry* g);

}  // namespace asnet
