// The training forward and backward of ActiveShift(relu(BatchNorm(X))) as single kernels.
//
// In a training step an ASL block's batch normalization, ReLU and shift run back to back on the
// largest activations of the network; as separate ops they write and read the rectified
// activation (and, backward, its gradient) through memory twice. Fused per channel, the rectified
// plane lives in a one-plane scratch: the forward reads X once and writes Y once, and the backward
// recomputes the rectified plane from X and the saved statistics, writes the shift's dX straight
// into dX's planes and finishes the normalization's backward over them while they are in cache.
//
// The arithmetic is that of BatchNormTrainingForward/Backward (relu set) and ActiveShiftForward/
// Backward, in the same order: the fused kernels return the same floats as the separate ones.
// Layout and shift convention as in asnet/active_shift.h; statistics as in asnet/batch_norm.h.
#pragma once

#include <cstdint>

#include "asnet/active_shift.h"

namespace asnet {

/// Forward for channels [c_begin, c_end): mean[c], var[c] of X's channel (biased, over N*H*W),
/// then Y = ActiveShift(max(scale * (X - mean) / sqrt(var + eps) + bias, 0), shift) with g's
/// strides. scratch holds g.in_plane() floats (BnReluShiftScratchFloats).
void BnReluShiftForward(Isa isa, const ShiftGeometry& g, const float* x, const float* scale,
                        const float* bias, float eps, const float* shift, float* y, float* mean,
                        float* var, float* scratch, int64_t c_begin, int64_t c_end);

/// Backward for channels [c_begin, c_end), given the forward's mean and var: dX, dscale, dbias and
/// dshift (dshift summed over batch and space in double, as ActiveShiftBackward). scratch holds
/// 2 * g.in_plane() floats (BnReluShiftScratchFloats).
void BnReluShiftBackward(Isa isa, const ShiftGeometry& g, const float* dy, const float* x,
                         const float* scale, const float* bias, const float* mean, const float* var,
                         float eps, const float* shift, float* dx, float* dscale, float* dbias,
                         float* dshift, float* scratch, int64_t c_begin, int64_t c_end);

/// Scratch floats per call: one input plane forward, two backward (the recomputed activation and,
/// for strides other than 1, dY spread onto the input grid). 0 for an empty X.
inline int64_t BnReluShiftScratchFloats(const ShiftGeometry& g, bool backward) {
  return g.empty() ? 0 : (backward ? 2 : 1) * g.h * g.w;
}

}  // namespace asnet
