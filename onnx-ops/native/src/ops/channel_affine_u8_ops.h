// ONNX Runtime kernels for the per-channel uint8 affine map (asnet/channel_affine_u8.h) on the CPU:
// dev.asnet::ChannelAffineU8 (X [N, C, ...]) and dev.asnet::ChannelAffineNhwcU8 (X [..., C], the
// layout of ONNX Runtime's quantized convs at level ALL). Both take (X uint8, multiplier, offset and
// shift int32 [C]) and return Y uint8 of X's shape; attribute y_min.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "kernel_io.h"
#include "op_contract.h"

namespace asnet {

/// The attributes of a ChannelAffineU8 node, or the reason they are invalid.
struct ChannelAffineU8Attributes {
  int y_min = 0;
  std::string error;  // "<op>: ..." when invalid, else empty
};

/// One ChannelAffineU8 kernel; kNhwc chooses where X's channel axis is (1, or the last).
template <bool kNhwc>
struct ChannelAffineU8Cpu {
  static constexpr const char* kName = kNhwc ? kChannelAffineNhwcU8Op : kChannelAffineU8Op;
  /// Y: X's shape, uint8.
  static void InferShapes(OrtShapeInferContext* ctx);
  /// The attributes and the declared inputs (count, ranks, channels).
  static std::string CheckKernelInfo(const OrtApi* api, const OrtKernelInfo* info);
  /// X is uint8, multiplier, offset and shift int32.
  static ONNXTensorElementDataType InputType(size_t index) {
    return index == 0 ? ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8 : ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32;
  }
  /// Y is uint8.
  static ONNXTensorElementDataType OutputType(size_t) { return ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8; }

  ChannelAffineU8Cpu(const OrtApi* api, const OrtKernelInfo* info);
  Ort::Status Compute(OrtKernelContext* ctx, const InputTensor& x, const InputTensor& multiplier,
                      const InputTensor& offset, const InputTensor& shift, OutputTensor& y);

 private:
  ChannelAffineU8Attributes attrs_;
};

using ChannelAffineU8NchwCpu = ChannelAffineU8Cpu<false>;
using ChannelAffineNhwcU8Cpu = ChannelAffineU8Cpu<true>;

/// Reads and validates y_min (0..255, absent meaning 0).
ChannelAffineU8Attributes ReadChannelAffineU8Attributes(const OrtApi* api, const OrtKernelInfo* info, const char* op);

/// Validates the shapes of X (rank >= 2; the channel axis 1, or the last with nhwc), multiplier,
/// offset and shift ([C] each): empty when fine, else the problem. *channels gets C, *outer the count
/// of planes (NCHW: N * C) or pixels (channels-last), *inner the bytes per plane or pixel; their
/// product fits int64 whenever X is non-empty.
std::string CheckChannelAffineU8Inputs(bool nhwc, const std::vector<int64_t>& x, const std::vector<int64_t>& multiplier,
                                       const std::vector<int64_t>& offset, const std::vector<int64_t>& shift,
                                       int64_t* channels, int64_t* outer, int64_t* inner);

}  // namespace asnet
