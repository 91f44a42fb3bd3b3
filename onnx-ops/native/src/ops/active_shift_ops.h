// ONNX Runtime kernels for dev.asnet::ActiveShift and dev.asnet::ActiveShiftGrad on the CPU.
//
// Each kernel is a struct that register.cc installs as an OrtCustomOp: the constructor reads
// attributes (errors are kept and reported by Compute, never thrown across ONNX Runtime), Compute
// validates its inputs, then splits the plain kernels of asnet/active_shift.h over the session's
// intra-op thread pool.
#pragma once

#include <string>

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
};

}  // namespace asnet
