// ONNX Runtime kernels (CPU) for the fused training ops of the dev.asnet domain:
//
//   BatchNormTraining(X, scale, B) -> (Y, mean, var)        attributes epsilon (default 1e-5), relu
//   BatchNormTrainingGrad(dY, X, scale, mean, var) -> (dX, dscale, dB)   attribute epsilon
//   BatchNormReluTrainingGrad(dY, X, scale, B, mean, var) -> (dX, dscale, dB)   attribute epsilon
//   ReluGrad(dY, Y) -> dX
//   DepthwiseConvGrad(dY, X, W) -> (dX, dW)                  attributes strides, pads
//
// X is [N, C, ...]; mean and var are the batch statistics over every axis but 1 (var biased).
// They stand in for chains of standard ops in training graphs, so each does in one or two passes
// what the chain does in four to eight. Each struct carries what register.cc needs to install it:
// the op name, shape inference and the checks made when a session creates the kernel.
#pragma once

#include <string>
#include <vector>

#include "asnet/batch_norm.h"
#include "asnet/depthwise_conv.h"
#include "asnet/sgd.h"

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

/// The `relu` attribute of BatchNormTraining, or the reason it is invalid.
struct ReluFlag {
  bool value = false;
  std::string error;  // "<op>: ..." when invalid, else empty
};

/// Reads and validates `relu` (absent means 0; otherwise 0 or 1).
ReluFlag ReadReluFlag(const OrtApi* api, const OrtKernelInfo* info, const char* op);

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
  ReluFlag relu_;
};

/// dev.asnet::BatchNormTrainingGrad on the CPU; the optional last input dX_add is added to dX.
struct BatchNormTrainingGradCpu {
  static constexpr const char* kName = kBatchNormGradOp;
  static void InferShapes(OrtShapeInferContext* ctx);
  static std::string CheckKernelInfo(const OrtApi* api, const OrtKernelInfo* info);

  BatchNormTrainingGradCpu(const OrtApi* api, const OrtKernelInfo* info);
  Ort::Status Compute(OrtKernelContext* ctx, const InputTensor& dy,
                      const InputTensor& x, const InputTensor& scale,
                      const InputTensor& mean, const InputTensor& var,
                      const InputTensor& dx_add, OutputTensor& dx, OutputTensor& dscale,
                      OutputTensor& dbias);

 private:
  Epsilon eps_;
};

/// dev.asnet::BatchNormReluTrainingGrad on the CPU: BatchNormTrainingGrad of relu(BN(X)), the
/// forward's bias B giving the ReLU's mask.
struct BatchNormReluTrainingGradCpu {
  static constexpr const char* kName = kBatchNormReluGradOp;
  static void InferShapes(OrtShapeInferContext* ctx);
  static std::string CheckKernelInfo(const OrtApi* api, const OrtKernelInfo* info);

  BatchNormReluTrainingGradCpu(const OrtApi* api, const OrtKernelInfo* info);
  Ort::Status Compute(OrtKernelContext* ctx, const InputTensor& dy, const InputTensor& x,
                      const InputTensor& scale, const InputTensor& bias, const InputTensor& mean,
                      const InputTensor& var, const InputTensor& dx_add, OutputTensor& dx,
                      OutputTensor& dscale, OutputTensor& dbias);

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

/// The `pads` attribute of DepthwiseConvGrad, or the reason it is invalid.
struct Pads {
  int64_t top = 0, left = 0, bottom = 0, right = 0;
  std::string error;  // "<op>: ..." when invalid, else empty
};

/// Reads and validates `pads` (absent means zeros; otherwise four ints >= 0).
Pads ReadPads(const OrtApi* api, const OrtKernelInfo* info, const char* op);

/// Validates DepthwiseConvGrad's inputs (dY [N, C, oH, oW], X [N, C, H, W], W [C, 1, kH, kW]) and
/// returns the geometry; error text otherwise. Besides the shapes, X + pads must hold the kernel and
/// every tensor's size in bytes must fit int64.
std::string CheckDepthwiseInputs(const std::vector<int64_t>& dy, const std::vector<int64_t>& x,
                                 const std::vector<int64_t>& w, const Strides& s, const Pads& p,
                                 DepthwiseGeometry* g);

/// dev.asnet::DepthwiseConvGrad on the CPU.
struct DepthwiseConvGradCpu {
  static constexpr const char* kName = kDepthwiseConvGradOp;
  static void InferShapes(OrtShapeInferContext* ctx);
  static std::string CheckKernelInfo(const OrtApi* api, const OrtKernelInfo* info);

  DepthwiseConvGradCpu(const OrtApi* api, const OrtKernelInfo* info);
  Ort::Status Compute(OrtKernelContext* ctx, const InputTensor& dy, const InputTensor& x,
                      const InputTensor& w, OutputTensor& dx, OutputTensor& dw);

 private:
  Strides strides_;
  Pads pads_;
};

/// dev.asnet::BatchNormReluShiftTraining on the CPU: ActiveShift(relu(BatchNormTraining(X))) in
/// one op (X, scale, B, shift) -> (Y, mean, var), attributes epsilon and strides. The rectified
/// activation is never stored; the gradient op recomputes it from X and the statistics.
struct BatchNormReluShiftTrainingCpu {
  static constexpr const char* kName = kBnReluShiftOp;
  static void InferShapes(OrtShapeInferContext* ctx);
  static std::string CheckKernelInfo(const OrtApi* api, const OrtKernelInfo* info);

  BatchNormReluShiftTrainingCpu(const OrtApi* api, const OrtKernelInfo* info);
  Ort::Status Compute(OrtKernelContext* ctx, const InputTensor& x, const InputTensor& scale,
                      const InputTensor& bias, const InputTensor& shift, OutputTensor& y,
                      OutputTensor& mean, OutputTensor& var);

 private:
  Epsilon eps_;
  Strides strides_;
};

/// dev.asnet::BatchNormReluShiftTrainingGrad on the CPU: (dY, X, scale, B, mean, var, shift) ->
/// (dX, dscale, dB, dshift), the exact gradient of BatchNormReluShiftTraining given its statistics.
struct BatchNormReluShiftTrainingGradCpu {
  static constexpr const char* kName = kBnReluShiftGradOp;
  static void InferShapes(OrtShapeInferContext* ctx);
  static std::string CheckKernelInfo(const OrtApi* api, const OrtKernelInfo* info);

  BatchNormReluShiftTrainingGradCpu(const OrtApi* api, const OrtKernelInfo* info);
  Ort::Status Compute(OrtKernelContext* ctx, const InputTensor& dy, const InputTensor& x,
                      const InputTensor& scale, const InputTensor& bias, const InputTensor& mean,
                      const InputTensor& var, const InputTensor& shift, OutputTensor& dx,
                      OutputTensor& dscale, OutputTensor& dbias, OutputTensor& dshift);

 private:
  Epsilon eps_;
  Strides strides_;
};

/// SgdMomentumUpdate's attributes, or the reason they are invalid.
struct SgdAttributes {
  SgdSettings value;
  std::string error;  // "<op>: ..." when invalid, else empty
};

/// Reads and validates momentum (finite, default 0.9), weight_decay (finite, >= 0, default 0) and
/// nesterov (0 or 1, default 0).
SgdAttributes ReadSgdAttributes(const OrtApi* api, const OrtKernelInfo* info, const char* op);

/// dev.asnet::SgdMomentumUpdate on the CPU: (P, G, V, lr) -> (P', V') for one parameter tensor.
struct SgdMomentumUpdateCpu {
  static constexpr const char* kName = kSgdOp;
  static void InferShapes(OrtShapeInferContext* ctx);
  static std::string CheckKernelInfo(const OrtApi* api, const OrtKernelInfo* info);

  SgdMomentumUpdateCpu(const OrtApi* api, const OrtKernelInfo* info);
  Ort::Status Compute(OrtKernelContext* ctx, const InputTensor& param, const InputTensor& grad,
                      const InputTensor& momentum, const InputTensor& lr, OutputTensor& param_out,
                      OutputTensor& momentum_out);

 private:
  SgdAttributes attrs_;
};

}  // namespace asnet
