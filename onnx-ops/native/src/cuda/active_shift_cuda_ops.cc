#include "active_shift_cuda_ops.h"

#include <cuda_runtime_api.h>

#include <exception>
#include <string>

#include "active_shift_cuda.h"
#include "asnet/active_shift.h"

namespace asnet {

namespace {

Ort::Status CudaFail(const char* op, cudaError_t err) {
  std::string msg = std::string("CUDA error ") + cudaGetErrorName(err) + ": " + cudaGetErrorString(err);
  if (err == cudaErrorInsufficientDriver || err == cudaErrorNoDevice) {
    msg += " (the asnet CUDA kernels are built with CUDA 13 and need an NVIDIA driver r580 or newer)";
  }
  return Fail(op, msg, ORT_FAIL);
}

// Checks where ONNX Runtime put the inputs, makes the tensors' GPU the current device of this
// thread (the library has its own static CUDA runtime; the device's primary context is the one
// ONNX Runtime uses) and returns ONNX Runtime's compute stream for this kernel.
Ort::Status Prepare(OrtKernelContext* raw, const char* op, size_t gpu_input, size_t shift_input,
                    cudaStream_t* stream) {
  try {
    Ort::KernelContext ctx(raw);
    if (ctx.GetInput(shift_input).GetTensorMemoryInfo().GetDeviceType() != OrtMemoryInfoDeviceType_CPU) {
      return Fail(op, "input 'shift' was not placed in CPU memory as the CUDA kernel requests", ORT_FAIL);
    }
    const auto info = ctx.GetInput(gpu_input).GetTensorMemoryInfo();
    if (info.GetDeviceType() != OrtMemoryInfoDeviceType_GPU) {
      return Fail(op, "the CUDA kernel got an input that is not in GPU memory", ORT_FAIL);
    }
    const int device = info.GetDeviceId();
    int current = -1;
    cudaError_t err = cudaGetDevice(&current);
    if (err == cudaSuccess && current != device) err = cudaSetDevice(device);
    if (err != cudaSuccess) return CudaFail(op, err);
    *stream = static_cast<cudaStream_t>(ctx.GetGPUComputeStream());
    // Never fall back to the legacy default stream: it would serialize with everything else.
    if (*stream == nullptr) return Fail(op, "ONNX Runtime gave no CUDA compute stream", ORT_FAIL);
    return Ort::Status(nullptr);
  } catch (const std::exception& e) {
    return Fail(op, e.what(), ORT_FAIL);
  }
}

}  // namespace

ActiveShiftCuda::ActiveShiftCuda(const OrtApi* api, const OrtKernelInfo* info)
    : strides_(ReadStrides(api, info, kForwardOp)) {}

Ort::Status ActiveShiftCuda::Compute(OrtKernelContext* ctx, const InputTensor& x,
                                     const InputTensor& shift,
                                     OutputTensor& y) {
  if (!strides_.error.empty()) return Ort::Status(strides_.error.c_str(), ORT_INVALID_ARGUMENT);
  if (!x || !shift) return Fail(kForwardOp, "expects 2 inputs (X, shift)");
  ShiftGeometry g;
  std::string bad = CheckForwardInputs(kForwardOp, x.Shape(), shift.Shape(), strides_, &g);
  cudaStream_t stream = nullptr;
  if (bad.empty()) {
    // `shift` must be on the host before its values are read.
    Ort::Status where = Prepare(ctx, kForwardOp, 0, 1, &stream);
    if (!where.IsOK()) return where;
    bad = CheckShiftValues(kForwardOp, shift.Data(), g.c);
  }
  // Empty tensors launch nothing, so the CUDA size limits do not apply (as on the CPU, an empty X
  // may have any H and W).
  if (bad.empty() && !g.empty() && cuda::UnsupportedGeometry(g) != nullptr) bad = cuda::UnsupportedGeometry(g);
  if (!bad.empty()) return Fail(kForwardOp, bad);

  float* out = y.Allocate({g.n, g.c, g.oh, g.ow});
  if (g.empty()) return Ort::Status(nullptr);  // before any size product (they may not fit int64)
  const cudaError_t err = cuda::LaunchActiveShiftForward(g, x.Data(), shift.Data(), out, stream);
  return err == cudaSuccess ? Ort::Status(nullptr) : CudaFail(kForwardOp, err);
}

ActiveShiftGradCuda::ActiveShiftGradCuda(const OrtApi* api, const OrtKernelInfo* info)
    : strides_(ReadStrides(api, info, kGradOp)) {}

Ort::Status ActiveShiftGradCuda::Compute(OrtKernelContext* ctx,
                                         const InputTensor& dy,
                                         const InputTensor& x,
                                         const InputTensor& shift,
                                         OutputTensor& dx,
                                         OutputTensor& dshift) {
  if (!strides_.error.empty()) return Ort::Status(strides_.error.c_str(), ORT_INVALID_ARGUMENT);
  if (!dy || !x || !shift) return Fail(kGradOp, "expects 3 inputs (dY, X, shift)");
  ShiftGeometry g;
  std::string bad = CheckForwardInputs(kGradOp, x.Shape(), shift.Shape(), strides_, &g);
  if (bad.empty()) bad = CheckGradInput(kGradOp, dy.Shape(), g, strides_);
  cudaStream_t stream = nullptr;
  if (bad.empty()) {
    Ort::Status where = Prepare(ctx, kGradOp, 1, 2, &stream);
    if (!where.IsOK()) return where;
    bad = CheckShiftValues(kGradOp, shift.Data(), g.c);
  }
  if (bad.empty() && !g.empty() && cuda::UnsupportedGeometry(g) != nullptr) bad = cuda::UnsupportedGeometry(g);
  if (!bad.empty()) return Fail(kGradOp, bad);

  float* dx_out = dx.Allocate({g.n, g.c, g.h, g.w});
  float* ds_out = dshift.Allocate({g.c, 2});
  // N = 0 or empty images: the launcher zero-fills dShift on the stream.
  const cudaError_t err =
      cuda::LaunchActiveShiftGrad(g, dy.Data(), x.Data(), shift.Data(), dx_out, ds_out, stream);
  return err == cudaSuccess ? Ort::Status(nullptr) : CudaFail(kGradOp, err);
}

}  // namespace asnet
