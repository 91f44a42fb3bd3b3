// ONNX Runtime kernels for dev.asnet::ActiveShift and dev.asnet::ActiveShiftGrad on the CUDA
// execution provider.
//
// Same kernel-struct shape as the CPU ops (register.cc installs both with one helper). X, dY,
// Y, dX and dShift live on the GPU; `shift` is requested in CPU memory (InputMemoryType
// below, installed by register.cc), so that it can be validated on the host exactly like the CPU op does,
// with the same message, without reading anything back from the device. When `shift` is an
// initializer (inference) ONNX Runtime simply keeps it on the CPU; when another CUDA node
// produces it (training), ONNX Runtime copies it to the host before the op runs. The launchers
// then pass the shifts to the kernels as launch parameters.
//
// Work is launched only on the stream ONNX Runtime gives the kernel (KernelContext_GetGPUComputeStream);
// nothing synchronizes. CUDA errors come back as ORT_FAIL statuses naming the op.
#pragma once

#include "ops/kernel_io.h"
#include "ops/op_contract.h"

namespace asnet {

/// dev.asnet::ActiveShift(X, shift) -> Y for the CUDA execution provider.
struct ActiveShiftCuda {
  ActiveShiftCuda(const OrtApi* api, const OrtKernelInfo* info);
  Ort::Status Compute(OrtKernelContext* ctx, const InputTensor& x,
                      const InputTensor& shift, OutputTensor& y);

  /// Where ONNX Runtime must place each input: `shift` (input 1) on the CPU.
  static OrtMemType InputMemoryType(size_t index) {
    return index == 1 ? OrtMemTypeCPUInput : OrtMemTypeDefault;
  }

 private:
  Strides strides_;
};

/// dev.asnet::ActiveShiftGrad(dY, X, shift) -> (dX, dShift) for the CUDA execution provider.
struct ActiveShiftGradCuda {
  ActiveShiftGradCuda(const OrtApi* api, const OrtKernelInfo* info);
  Ort::Status Compute(OrtKernelContext* ctx, const InputTensor& dy,
                      const InputTensor& x, const InputTensor& shift,
                      OutputTensor& dx, OutputTensor& dshift);

  /// `shift` (input 2) on the CPU.
  static OrtMemType InputMemoryType(size_t index) {
    return index == 2 ? OrtMemTypeCPUInput : OrtMemTypeDefault;
  }

 private:
  Strides strides_;
};

}  // namespace asnet
