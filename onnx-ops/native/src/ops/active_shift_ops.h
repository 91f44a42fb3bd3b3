// ONNX Runtime kernels for dev.asnet::ActiveShift and dev.asnet::ActiveShiftGrad on the CPU.
//
// Each kernel is a struct that register.cc installs as an OrtCustomOp: the constructor reads
// attributes (errors are kept and reported by Compute, never thrown across ONNX Runtime), Compute
// validates its inputs, then splits the plain kernels of asnet/active_shift.h over the session's
// intra-op thread pool.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "asnet/active_shift_nchwc.h"

#include "kernel_io.h"
#include "op_contract.h"
#include "plan_cache.h"

namespace asnet {

/// dev.asnet::ActiveShift(X, shift) -> Y for the CPU execution provider.
struct ActiveShiftCpu {
  ActiveShiftCpu(const OrtApi* api, const OrtKernelInfo* info);
  Ort::Status Compute(OrtKernelContext* ctx, const InputTensor& x,
                      const InputTensor& shift, OutputTensor& y);

 private:
  Strides strides_;
};

/// dev.asnet::ActiveShiftGrad(dY, X, shift) -> (dX, dShift) for the CPU execution provider.
struct ActiveShiftGradCpu {
  ActiveShiftGradCpu(const OrtApi* api, const OrtKernelInfo* info);
  Ort::Status Compute(OrtKernelContext* ctx, const InputTensor& dy,
                      const InputTensor& x, const InputTensor& shift,
                      OutputTensor& dx, OutputTensor& dshift);

 private:
  Strides strides_;
};

/// The channel-block plans of one ActiveShiftNchwc kernel object, kept between calls (PlanCache:
/// why, the key, thread safety). Key: the shift values and C, H, W, the column stride and b.
class NchwcPlanCache {
 public:
  using Entry = PlanCache<NchwcBlockPlan>::Entry;
  static constexpr int kMaxValueRebuilds = PlanCache<NchwcBlockPlan>::kMaxValueRebuilds;

  /// What Compute calls after the shape checks: validates shift (the message in *error, null
  /// returned) unless it equals the cached values, and returns the plans for g and shift, cached or
  /// new; null with no error where there are none (b not vectorized, an empty tensor, or a shift
  /// that keeps changing): the kernel then plans per call.
  std::shared_ptr<const Entry> Get(Isa isa, const NchwcGeometry& g, const float* shift,
                                   std::string* error);

 private:
  PlanCache<NchwcBlockPlan> cache_;
};

/// dev.asnet::ActiveShiftNchwc(X, shift) -> Y for the CPU execution provider: ActiveShift on ONNX
/// Runtime's blocked NCHWc layout (attributes strides and block_size, which is required).
struct ActiveShiftNchwcCpu {
  static constexpr const char* kName = kNchwcOp;
  /// Y [N, Cp, ceil(H/sh), ceil(W/sw)], as for ActiveShift.
  static void InferShapes(OrtShapeInferContext* ctx);
  /// strides, block_size, and the declared input shapes.
  static std::string CheckKernelInfo(const OrtApi* api, const OrtKernelInfo* info);

  ActiveShiftNchwcCpu(const OrtApi* api, const OrtKernelInfo* info);
  Ort::Status Compute(OrtKernelContext* ctx, const InputTensor& x, const InputTensor& shift,
                      OutputTensor& y);

 private:
  Strides strides_;
  BlockSize block_;
  NchwcPlanCache plans_;
};

}  // namespace asnet
