// The optimizer step of asnet's training graphs as one kernel: SGD with momentum, optional
// Nesterov momentum and weight decay, per parameter tensor. As standard ops the step is a chain of
// seven element-wise nodes per parameter; over the ~60 small tensors of a zoo model the per-node
// cost of that chain was a few percent of a training step.
#pragma once

#include <cstdint>

namespace asnet {

/// The step's settings (attributes of dev.asnet::SgdMomentumUpdate).
struct SgdSettings {
  float momentum = 0.9f;
  float weight_decay = 0.0f;
  bool nesterov = false;
};

/// Elements [begin, end) of one update, in exactly the order and float operations the standard-op
/// graph uses (so both give the same bits):
///   g = grad + param * weight_decay   (weight_decay != 0 only)
///   v' = momentum_buf * momentum + g
///   step = nesterov ? g + v' * momentum : v'
///   param' = param - step * lr
void SgdMomentumStep(const SgdSettings& s, const float* param, const float* grad, const float* momentum_buf,
                     float lr, float* param_out, float* momentum_out, int64_t begin, int64_t end);

}  // namespace asnet
