// Training kernels as plain functions, independent of ONNX Runtime: batch normalization with
// batch statistics (forward and backward) and the ReLU backward. They replace chains of standard
// ONNX ops in training graphs (reductions, element-wise products, an affine pass) with one or two
// passes over the activation.
//
// Layout is [N, C, S] float32, S being the product of the spatial sizes (1 for [N, C]). Statistics
// are per channel over N * S values; the variance is the biased (population) one. Functions work
// on a sub-range of channels or elements so the caller can split work across a thread pool;
// disjoint ranges write disjoint memory. Each channel's sums are accumulated in float over short
// runs and in double across runs, so results do not depend on how channels are split.
#pragma once

#include <cstdint>

#include "asnet/active_shift.h"  // Isa

namespace asnet {

/// Sizes of a per-channel problem over [N, C, S].
struct ChannelGeometry {
  int64_t n = 0, c = 0, s = 0;
  int64_t count() const { return n * s; }  // values per channel
};

/// Batch-statistics normalization of channels [c_begin, c_end):
/// mean[c], var[c] (biased) over the batch, then y = scale[c] * (x - mean) / sqrt(var + eps) + bias[c],
/// followed by max(y, 0) when relu is set (a BatchNormalization feeding only a Relu).
/// A channel with no values gets mean 0 and var 0. The normalization uses the float mean and var
/// it returns, so the backward can recompute y's sign exactly (BnPreActivation).
void BatchNormTrainingForward(Isa isa, const ChannelGeometry& g, const float* x, const float* scale,
                              const float* bias, float eps, bool relu, float* y, float* mean,
                              float* var, int64_t c_begin, int64_t c_end);

/// Backward of BatchNormTrainingForward for channels [c_begin, c_end), given the forward's
/// batch mean and var: dbias = sum(dy), dscale = sum(dy * xhat),
/// dx = scale * invstd * (dy - dbias / count - xhat * dscale / count), xhat = (x - mean) * invstd.
/// With relu_bias (the forward's bias; null without ReLU) it is the backward of the forward with
/// relu set: dy counts only where the forward's pre-activation, recomputed bit for bit, is > 0.
/// With dx_add (not null, X's shape), dx = that gradient + dx_add: a gradient summed with the one
/// that reached X by another path (a residual connection) without a pass of its own; the float
/// sum is the one an Add of the two would compute.
void BatchNormTrainingBackward(Isa isa, const ChannelGeometry& g, const float* dy, const float* x,
                               const float* scale, const float* relu_bias, const float* mean,
                               const float* var, float eps, float* dx, float* dscale, float* dbias,
                               int64_t c_begin, int64_t c_end, const float* dx_add = nullptr);

/// ReLU backward for elements [begin, end): dx = y > 0 ? dy : 0 (y is the ReLU's output or input).
void ReluBackward(Isa isa, const float* dy, const float* y, float* dx, int64_t begin, int64_t end);

/// Index of the first channel whose var + eps is not a finite positive number, or -1.
int64_t FirstInvalidVariance(const float* var, float eps, int64_t channels);

}  // namespace asnet
