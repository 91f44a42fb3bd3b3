// A per-channel affine map with clamping on uint8 tensors (the ops dev.asnet::ChannelAffineU8,
// NCHW, and dev.asnet::ChannelAffineNhwcU8, channels-last; docs/op-contract.md), as plain functions
// independent of ONNX Runtime.
//
// What it is for: in a quantized pre-activation network a BatchNormalization that follows an Add
// (and the ReLU after it) cannot fold into a convolution. Written as a depthwise 1x1 convolution,
// ONNX Runtime runs it through its generic integer convolution, several times the cost of one pass
// over the bytes; as this op it is one pass. The quantizer folds everything (input scale and zero
// point, the BatchNormalization, the output scale and zero point, the rounding) into two integers
// per channel and a shift.
//
// The rule (integers only, exact: the same bytes on every instruction set and in the Java
// reference): for an element x of channel c,
//   y = min(255, max(y_min, (multiplier[c] * x + offset[c]) >> shift[c]))
// with >> an arithmetic shift (the floor of the division by 2^shift[c]), computed in int32. A valid
// op has 0 <= shift[c] <= 30, 0 <= y_min <= 255, and for every channel multiplier[c] * 255 and
// multiplier[c] * 255 + offset[c] within int32 (then so is multiplier[c] * x + offset[c] for every
// x in [0, 255]); the op layer checks this (ChannelAffineU8Check) before any kernel runs. The
// shift is per channel so that each channel keeps its own precision (one channel with a huge
// factor would otherwise force a coarse shift on all).
#pragma once

#include <cstdint>
#include <string>

#include "asnet/active_shift.h"  // Isa

namespace asnet {

/// The constant part of a ChannelAffineU8: per-channel multipliers, offsets and shifts (channels
/// values each) and the lower clamp.
struct ChannelAffineU8Params {
  const int32_t* multiplier = nullptr;
  const int32_t* offset = nullptr;
  const int32_t* shift = nullptr;  // each 0..30
  int64_t channels = 0;
  uint8_t y_min = 0;  // the lower clamp (a ReLU's zero point, or 0)
};

/// Empty when the parameters satisfy the rule's bounds; otherwise the first problem, naming the
/// channel (y_min is checked by the caller, who reads it as an attribute).
std::string ChannelAffineU8Check(const ChannelAffineU8Params& p);

/// The rule for one element: the reference every kernel is tested against.
inline uint8_t ChannelAffineU8Value(const ChannelAffineU8Params& p, int64_t c, uint8_t x) {
  const int32_t v = (p.multiplier[c] * static_cast<int32_t>(x) + p.offset[c]) >> p.shift[c];
  return static_cast<uint8_t>(v < p.y_min ? p.y_min : (v > 255 ? 255 : v));
}

/// NCHW: planes [plane_begin, plane_end) of plane_size bytes each, plane p holding channel
/// p % p.channels; X and Y point at plane 0.
void ChannelAffineU8Planes(Isa isa, const ChannelAffineU8Params& p, const uint8_t* x, uint8_t* y,
                           int64_t plane_size, int64_t plane_begin, int64_t plane_end);

/// Channels-last: pixels [pixel_begin, pixel_end), each p.channels consecutive bytes; X and Y
/// point at pixel 0.
void ChannelAffineU8Pixels(Isa isa, const ChannelAffineU8Params& p, const uint8_t* x, uint8_t* y,
                           int64_t pixel_begin, int64_t pixel_end);

}  // namespace asnet
