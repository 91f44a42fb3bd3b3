// Picks the kernel table (ActiveShift and training kernels) for the CPU at run time.
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "asnet/active_shift.h"
#include "asnet/active_shift_nchwc.h"
#include "asnet/batch_norm.h"
#include "asnet/bn_relu_shift.h"
#include "asnet/depthwise_conv.h"

namespace asnet {

#define ASNET_DECLARE_ISA(ns)                                                                 \
  namespace ns {                                                                              \
  void Forward(const ShiftGeometry&, const float*, const float*, float*, int64_t, int64_t);   \
  void Backward(const ShiftGeometry&, const float*, const float*, const float*, float*, float*, \
                float*, int64_t, int64_t);                                                    \
  void BnForward(const ChannelGeometry&, const float*, const float*, const float*, float, bool,  \
                 float*, float*, float*, int64_t, int64_t);                                   \
  void BnBackward(const ChannelGeometry&, const float*, const float*, const float*, const float*, \
                  const float*, const float*, float, float*, float*, float*, int64_t, int64_t,  \
                  const float*);                                                              \
  void ReluBack(const float*, const float*, float*, int64_t, int64_t);                        \
  void BnShiftForward(const ShiftGeometry&, const float*, const float*, const float*, float,     \
                      const float*, float*, float*, float*, float*, int64_t, int64_t);         \
  void BnShiftBackward(const ShiftGeometry&, const float*, const float*, const float*,          \
                       const float*, const float*, const float*, float, const float*, float*,   \
                       float*, float*, float*, float*, int64_t, int64_t);                       \
  void NchwcForward(const NchwcGeometry&, const float*, const float*, float*, int64_t, int64_t,  \
                    const NchwcBlockPlan*);                                                   \
  void NchwcMakePlans(const NchwcGeometry&, const float*, NchwcBlockPlan*);                  \
  bool NchwcUsesRing(const NchwcGeometry&, const NchwcBlockPlan&);                            \
  bool NchwcUsesTransposed(const NchwcGeometry&, const NchwcBlockPlan&);                      \
  void DwBackward(const DepthwiseGeometry&, const float*, const float*, const float*, float*,   \
                  float*, double*, float*, int64_t, int64_t);                                 \
  }
ASNET_DECLARE_ISA(sse2)
ASNET_DECLARE_ISA(avx2)
ASNET_DECLARE_ISA(avx512)
#undef ASNET_DECLARE_ISA

const char* IsaName(Isa isa) {
  switch (isa) {
    case Isa::kAvx512: return "avx512";
    case Isa::kAvx2: return "avx2";
    default: return "sse2";
  }
}

namespace {

Isa DetectOnce() {
  __builtin_cpu_init();
  Isa best = Isa::kSse2;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) best = Isa::kAvx2;
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq")) {
    best = Isa::kAvx512;
  }
  // ASNET_ISA caps the choice; it never selects an ISA the CPU lacks.
  if (const char* cap = std::getenv("ASNET_ISA")) {
    // "scalar" is the old name of the SSE2 level (the x86-64 baseline), kept as an alias.
    if (std::strcmp(cap, "sse2") == 0 || std::strcmp(cap, "scalar") == 0) best = Isa::kSse2;
    if (std::strcmp(cap, "avx2") == 0 && best == Isa::kAvx512) best = Isa::kAvx2;
  }
  return best;
}

}  // namespace

Isa DetectIsa() {
  static const Isa isa = DetectOnce();  // thread-safe static initialization
  return isa;
}

void ActiveShiftForward(Isa isa, const ShiftGeometry& g, const float* x, const float* shift,
                        float* y, int64_t plane_begin, int64_t plane_end) {
  switch (isa) {
    case Isa::kAvx512: return avx512::Forward(g, x, shift, y, plane_begin, plane_end);
    case Isa::kAvx2: return avx2::Forward(g, x, shift, y, plane_begin, plane_end);
    default: return sse2::Forward(g, x, shift, y, plane_begin, plane_end);
  }
}

void ActiveShiftBackward(Isa isa, const ShiftGeometry& g, const float* dy, const float* x,
                         const float* shift, float* dx, float* dshift, float* scratch,
                         int64_t c_begin, int64_t c_end) {
  switch (isa) {
    case Isa::kAvx512: return avx512::Backward(g, dy, x, shift, dx, dshift, scratch, c_begin, c_end);
    case Isa::kAvx2: return avx2::Backward(g, dy, x, shift, dx, dshift, scratch, c_begin, c_end);
    default: return sse2::Backward(g, dy, x, shift, dx, dshift, scratch, c_begin, c_end);
  }
}

void ActiveShiftNchwcForward(Isa isa, const NchwcGeometry& g, const float* x, const float* shift,
                             float* y, int64_t row_begin, int64_t row_end, const NchwcBlockPlan* plans) {
  switch (isa) {
    case Isa::kAvx512: return avx512::NchwcForward(g, x, shift, y, row_begin, row_end, plans);
    case Isa::kAvx2: return avx2::NchwcForward(g, x, shift, y, row_begin, row_end, plans);
    default: return sse2::NchwcForward(g, x, shift, y, row_begin, row_end, plans);
  }
}

void ActiveShiftNchwcMakePlans(Isa isa, const NchwcGeometry& g, const float* shift,
                               NchwcBlockPlan* plans) {
  switch (isa) {
    case Isa::kAvx512: return avx512::NchwcMakePlans(g, shift, plans);
    case Isa::kAvx2: return avx2::NchwcMakePlans(g, shift, plans);
    default: return sse2::NchwcMakePlans(g, shift, plans);
  }
}

bool ActiveShiftNchwcUsesRing(Isa isa, const NchwcGeometry& g, const NchwcBlockPlan& plan) {
  switch (isa) {
    case Isa::kAvx512: return avx512::NchwcUsesRing(g, plan);
    case Isa::kAvx2: return avx2::NchwcUsesRing(g, plan);
    default: return sse2::NchwcUsesRing(g, plan);
  }
}

bool ActiveShiftNchwcUsesTransposed(Isa isa, const NchwcGeometry& g, const NchwcBlockPlan& plan) {
  switch (isa) {
    case Isa::kAvx512: return avx512::NchwcUsesTransposed(g, plan);
    case Isa::kAvx2: return avx2::NchwcUsesTransposed(g, plan);
    default: return sse2::NchwcUsesTransposed(g, plan);
  }
}

void BnReluShiftForward(Isa isa, const ShiftGeometry& g, const float* x, const float* scale,
                        const float* bias, float eps, const float* shift, float* y, float* mean,
                        float* var, float* scratch, int64_t c_begin, int64_t c_end) {
  switch (isa) {
    case Isa::kAvx512:
      return avx512::BnShiftForward(g, x, scale, bias, eps, shift, y, mean, var, scratch, c_begin, c_end);
    case Isa::kAvx2:
      return avx2::BnShiftForward(g, x, scale, bias, eps, shift, y, mean, var, scratch, c_begin, c_end);
    default:
      return sse2::BnShiftForward(g, x, scale, bias, eps, shift, y, mean, var, scratch, c_begin, c_end);
  }
}

void BnReluShiftBackward(Isa isa, const ShiftGeometry& g, const float* dy, const float* x,
                         const float* scale, const float* bias, const float* mean, const float* var,
                         float eps, const float* shift, float* dx, float* dscale, float* dbias,
                         float* dshift, float* scratch, int64_t c_begin, int64_t c_end) {
  switch (isa) {
    case Isa::kAvx512:
      return avx512::BnShiftBackward(g, dy, x, scale, bias, mean, var, eps, shift, dx, dscale, dbias, dshift,
                                     scratch, c_begin, c_end);
    case Isa::kAvx2:
      return avx2::BnShiftBackward(g, dy, x, scale, bias, mean, var, eps, shift, dx, dscale, dbias, dshift,
                                   scratch, c_begin, c_end);
    default:
      return sse2::BnShiftBackward(g, dy, x, scale, bias, mean, var, eps, shift, dx, dscale, dbias, dshift,
                                   scratch, c_begin, c_end);
  }
}

void BatchNormTrainingForward(Isa isa, const ChannelGeometry& g, const float* x, const float* scale,
                              const float* bias, float eps, bool relu, float* y, float* mean,
                              float* var, int64_t c_begin, int64_t c_end) {
  switch (isa) {
    case Isa::kAvx512: return avx512::BnForward(g, x, scale, bias, eps, relu, y, mean, var, c_begin, c_end);
    case Isa::kAvx2: return avx2::BnForward(g, x, scale, bias, eps, relu, y, mean, var, c_begin, c_end);
    default: return sse2::BnForward(g, x, scale, bias, eps, relu, y, mean, var, c_begin, c_end);
  }
}

void BatchNormTrainingBackward(Isa isa, const ChannelGeometry& g, const float* dy, const float* x,
                               const float* scale, const float* relu_bias, const float* mean,
                               const float* var, float eps, float* dx, float* dscale, float* dbias,
                               int64_t c_begin, int64_t c_end, const float* dx_add) {
  switch (isa) {
    case Isa::kAvx512:
      return avx512::BnBackward(g, dy, x, scale, relu_bias, mean, var, eps, dx, dscale, dbias, c_begin, c_end, dx_add);
    case Isa::kAvx2:
      return avx2::BnBackward(g, dy, x, scale, relu_bias, mean, var, eps, dx, dscale, dbias, c_begin, c_end, dx_add);
    default:
      return sse2::BnBackward(g, dy, x, scale, relu_bias, mean, var, eps, dx, dscale, dbias, c_begin, c_end, dx_add);
  }
}

void ReluBackward(Isa isa, const float* dy, const float* y, float* dx, int64_t begin, int64_t end) {
  switch (isa) {
    case Isa::kAvx512: return avx512::ReluBack(dy, y, dx, begin, end);
    case Isa::kAvx2: return avx2::ReluBack(dy, y, dx, begin, end);
    default: return sse2::ReluBack(dy, y, dx, begin, end);
  }
}

void DepthwiseConvBackward(Isa isa, const DepthwiseGeometry& g, const float* dy, const float* x,
                           const float* w, float* dx, float* dw, double* acc, float* scratch,
                           int64_t c_begin, int64_t c_end) {
  switch (isa) {
    case Isa::kAvx512: return avx512::DwBackward(g, dy, x, w, dx, dw, acc, scratch, c_begin, c_end);
    case Isa::kAvx2: return avx2::DwBackward(g, dy, x, w, dx, dw, acc, scratch, c_begin, c_end);
    default: return sse2::DwBackward(g, dy, x, w, dx, dw, acc, scratch, c_begin, c_end);
  }
}

int64_t FirstInvalidVariance(const float* var, float eps, int64_t channels) {
  for (int64_t c = 0; c < channels; ++c) {
    const float v = var[c] + eps;
    if (!std::isfinite(v) || !(v > 0.0f)) return c;
  }
  return -1;
}

int64_t FirstNonFiniteShift(const float* shift, int64_t channels) {
  for (int64_t c = 0; c < channels; ++c) {
    if (!std::isfinite(shift[2 * c]) || !std::isfinite(shift[2 * c + 1])) return c;
  }
  return -1;
}

}  // namespace asnet
