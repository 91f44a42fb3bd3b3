// ONNX Runtime kernels (CPU) for the fused training ops of the dev.asnet domain:
//
//   BatchNormTraining(X, scale, B) -> (Y, mean, var)        attribute epsilon (default 1e-5)
//   BatchNormTrainingGrad(dY, X, scale, mean, var) -> (dX, dscale, dB)   attribute epsilon
//   ReluGrad(dY, Y) -> dX
//
// X is [N, C, ...]; mean and var are the batch statistics over every axis but 1 (var biased).
// They stand in for chains of standard ops in training graphs, so each does in one or two passes
// what the chain does in four to eight. Each struct carries what register.cc needs to install it:
// the op name, shape inference and the checks made when a session creates the kernel.
#pragma once

#include <string>
#include <vector>

#include "asnet/batch_norm.h"

#include "kernel_io.h"
#include "op_contract.h"

namespace asnet {

/// X [N, C, ...] -> the per-channel geometry (S = product of the spatial sizes); error text when
/// X is not at least [N, C], has a negative dimension or a size in bytes beyond int64.
std::string CheckChannelShape(const std::vector<int64_t>& x, ChannelGeometry* g);

/// The `epsilon` attribute, or the reason it is invalid.
struct Epsilon {
  float value = 1e-5f;
  std::string error;  // "<op>: ..." when invalid, else empty
};

/// Reads and validates `epsilon` (absent means 1e-5; it must be finite and > 0).
Epsilon ReadEpsilon(const OrtApi* api, const OrtKernelInfo* info, const char* op);

/// dev.asnet::BatchNormTraining on the CPU.
struct BatchNormTrainingCpu {
  static constexpr const char* kName = kBatchNormOp;
  static void InferShapes(OrtShapeInferContext* ctx);
  static std::string CheckKernelInfo(const OrtApi* api, const OrtKernelInfo* info);

  BatchNormTrainingCpu(const OrtApi* api, const OrtKernelInfo* info);
  Ort::Status Compute(OrtKernelContext* ctx, const InputTensor& x,
                      const InputTensor& scale, const InputTensor& bias,
                      OutputTensor& y, OutputTensor& mean,
                      OutputTensor& var);

 private:
  Epsilon eps_;
};

/// dev.asnet::BatchNormTrainingGrad on the CPU.
struct BatchNormTrainingGradCpu {
  static constexpr const char* kName = kBatchNormGradOp;
  static void InferShapes(OrtShapeInferContext* ctx);
  static std::string CheckKernelInfo(const OrtApi* api, const OrtKernelInfo* info);

  BatchNormTrainingGradCpu(const OrtApi* api, const OrtKernelInfo* info);
  Ort::Status Compute(OrtKernelContext* ctx, const InputTensor& dy,
                      const InputTensor& x, const InputTensor& scale,
                      const InputTensor& mean, const InputTensor& var,
                      OutputTensor& dx, OutputTensor& dscale,
                      OutputTensor& dbias);

 private:
  Epsilon eps_;
};

/// dev.asnet::ReluGrad on the CPU.
struct ReluGradCpu {
  static constexpr const char* kName = kReluGradOp;
  static void InferShapes(OrtShapeInferContext* ctx);
  static std::string CheckKernelInfo(const OrtApi* api, const OrtKernelInfo* info);

  ReluGradCpu(const OrtApi* api, const OrtKernelInfo* info);
  Ort::Status Compute(OrtKernelContext* ctx, const InputTensor& dy,
                      const InputTensor& y, OutputTensor& dx);
};

}  // namespace asnet
