// Gradients of a depthwise 2-D convolution as plain functions, independent of ONNX Runtime.
//
// The forward is ONNX's Conv with group = C and one filter per channel: X [N, C, H, W] float32,
// W [C, 1, kH, kW], Y [N, C, oH, oW] with
//   Y[n, c, i, j] = sum over (ky, kx) of W[c, ky, kx] * X[n, c, i*sh + ky - pt, j*sw + kx - pl]
// (taps outside X read 0) and oH = (H + pt + pb - kH) / sh + 1 (likewise oW). Training graphs
// need its two gradients; ONNX Runtime's own route for them (a grouped ConvTranspose for dX and a
// convolution whose "kernel" is dY for dW) runs per channel a dense algorithm built for many
// channels per group, which makes it the slowest part of a depthwise network's training step.
// Here each channel's gradients are a few vector loops over one plane held in L1.
#pragma once

#include <cstdint>

#include "asnet/active_shift.h"  // Isa

namespace asnet {

/// Sizes of one depthwise convolution (all >= 0; strides >= 1; H + pt + pb >= kH, W + pl + pr >= kW
/// and kH, kW >= 1: the op layer checks these, and that every tensor's byte size fits int64).
struct DepthwiseGeometry {
  int64_t n = 0, c = 0, h = 0, w = 0;  // X [N, C, H, W]
  int64_t kh = 1, kw = 1;              // W [C, 1, kH, kW]
  int64_t sh = 1, sw = 1;              // strides along H, W
  int64_t pt = 0, pl = 0, pb = 0, pr = 0;  // pads: top, left, bottom, right
  int64_t oh = 0, ow = 0;              // dY [N, C, oH, oW]

  /// The padded plane's rows and columns: H + pt + pb, W + pl + pr.
  int64_t padded_h() const { return h + pt + pb; }
  int64_t padded_w() const { return w + pl + pr; }
  /// Planes up to this many padded values take the flat path (three padded planes of scratch per
  /// task, kept in L1/L2); larger ones work row by row without scratch.
  static constexpr int64_t kMaxFlatPlane = 1 << 16;
  bool flat() const {
    // Each factor bounded first: their product cannot overflow.
    return padded_h() <= kMaxFlatPlane && padded_w() <= kMaxFlatPlane &&
           padded_h() * padded_w() <= kMaxFlatPlane;
  }
  /// Scratch floats DepthwiseConvBackward needs per call: 3 padded planes on the flat path, else 0.
  int64_t scratch_floats() const { return flat() ? 3 * padded_h() * padded_w() : 0; }
};

/// Backward for channels [c_begin, c_end):
///   dX[n, c] = the transposed convolution of dY[n, c] with W[c] (every tap a scatter-add),
///   dW[c, ky, kx] = sum over n, i, j of dY[n, c, i, j] * X[n, c, i*sh + ky - pt, j*sw + kx - pl].
/// dW sums go through float runs of one row into double, in a fixed order, so results do not
/// depend on how channels are split between threads. acc is scratch space for kH * kW doubles,
/// scratch for g.scratch_floats() floats (may be null when that is 0).
///
/// Small planes (g.flat()) are copied into zero-padded planes with one row stride, dY spread onto
/// the stride grid, so that each tap's dot product and scatter-add is one long vector loop over
/// the whole plane (rows of 7-28 values would leave most of a vector's lanes to scalar loop
/// tails); the zeros contribute nothing. Larger planes loop over the valid rows of each tap.
void DepthwiseConvBackward(Isa isa, const DepthwiseGeometry& g, const float* dy, const float* x,
                           const float* w, float* dx, float* dw, double* acc, float* scratch,
                           int64_t c_begin, int64_t c_end);

}  // namespace asnet
