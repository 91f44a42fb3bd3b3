// SgdMomentumStep (asnet/sgd.h). Compiled with -ffp-contract=off (CMakeLists.txt): a fused
// multiply-add would round differently from the standard graph's separate Mul and Add nodes.
// Plain loops at the x86-64 baseline: the tensors are small and the loop is memory-bound.
#include "asnet/sgd.h"

namespace asnet {

void SgdMomentumStep(const SgdSettings& s, const float* param, const float* grad, const float* momentum_buf,
                     float lr, float* param_out, float* momentum_out, int64_t begin, int64_t end) {
  const bool decay = s.weight_decay != 0.0f;
  for (int64_t i = begin; i < end; ++i) {
    const float g = decay ? grad[i] + param[i] * s.weight_decay : grad[i];
    const float v = momentum_buf[i] * s.momentum + g;
    const float step = s.nesterov ? g + v * s.momentum : v;
    momentum_out[i] = v;
    param_out[i] = param[i] - step * lr;
  }
}

}  // namespace asnet
