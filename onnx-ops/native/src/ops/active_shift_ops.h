// ONNX Runtime kernels for dev.asnet::ActiveShift and dev.asnet::ActiveShiftGrad on the CPU.
//
// Each kernel is a struct that register.cc installs as an OrtCustomOp: the constructor reads
// attributes (errors are kept and reported by Compute, never thrown across ONNX Runtime), Compute
// validates its inputs, then splits the plain kernels of asnet/active_shift.h over the session's
// intra-op thread pool.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "asnet/active_shift_nchwc.h"

#include "kernel_io.h"
#include "op_contract.h"

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

/// The channel-block plans of one ActiveShiftNchwc kernel object, kept between calls. Shifts are
/// constant initializers in every real model, and on small maps making the plans was about 40% of
/// a call. The key is the exact shift values (a copy, compared bytewise: no checksum that could
/// collide, and a graph-input shift may change in a buffer at the same address) plus the sizes a
/// plan depends on (C, H, W, column stride, b). Comparing 2C floats costs about what the per-call
/// finiteness check did, which a hit makes unnecessary (the copy was checked when it was cached).
///
/// Thread safety: Compute may run concurrently on one kernel object. A cached Entry is immutable
/// once published; the mutex guards only the shared_ptr (copied out or replaced, never mutated in
/// place), so a thread keeps using the Entry it took while another publishes a new one, and a new
/// Entry is always built in memory no other thread can see yet.
class NchwcPlanCache {
 public:
  struct Entry {
    int64_t c = 0, h = 0, w = 0, sw = 0, block = 0;
    std::vector<float> shift;            // [C, 2], the values the plans were made from
    std::vector<NchwcBlockPlan> plans;   // one per channel block
    bool Matches(const NchwcGeometry& g, const float* s) const;
  };
  /// Rebuilds after which a kernel whose shift values keep changing (a shift fed as a graph input)
  /// stops caching and plans per call: no allocation and copy per call for plans used once.
  static constexpr int kMaxValueRebuilds = 8;

  /// What Compute calls after the shape checks: validates shift (the message in *error, null
  /// returned) unless it equals the cached values, and returns the plans for g and shift, cached or
  /// new; null with no error where there are none (b not vectorized, an empty tensor, or a shift
  /// that keeps changing): the kernel then plans per call.
  std::shared_ptr<const Entry> Get(Isa isa, const NchwcGeometry& g, const float* shift,
                                   std::string* error);
  /// The cached entry when it matches g and shift exactly, else null.
  std::shared_ptr<const Entry> Find(const NchwcGeometry& g, const float* shift) const;
  /// Makes plans for g and the (validated) shift and publishes them for later calls; null when this
  /// kernel has seen its shift values change too often (the caller then plans per call).
  std::shared_ptr<const Entry> Build(Isa isa, const NchwcGeometry& g, const float* shift);

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const Entry> entry_;  // guarded by mu_
  int value_rebuilds_ = 0;              // guarded by mu_: builds for changed shift values
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
