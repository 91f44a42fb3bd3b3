// The contract shared by every implementation of the ActiveShift ops (CPU and CUDA): the names of
// every op of the domain, attribute parsing, input validation and shape inference. Messages name
// the op and the problem.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "asnet/active_shift.h"
#include "asnet/active_shift_nchwc.h"
#include "onnxruntime_cxx_api.h"

namespace asnet {

// The names of the dev.asnet domain, its ops and their attributes. The Java op contract
// (dev.asnet.exporter.ops.AsnetDomain) is the reference: RegisteredOpsTest compares it with what
// this library registers (printed by asnet_list_ops), so a name changed on one side only fails
// the build.
inline constexpr const char* kDomain = "dev.asnet";
inline constexpr const char* kForwardOp = "ActiveShift";
inline constexpr const char* kGradOp = "ActiveShiftGrad";
/// ActiveShift on ONNX Runtime's blocked NCHWc layout (asnet/active_shift_nchwc.h).
inline constexpr const char* kNchwcOp = "ActiveShiftNchwc";
/// ActiveShift on uint8 NCHW and channels-last tensors (asnet/active_shift_u8.h).
inline constexpr const char* kU8Op = "ActiveShiftU8";
inline constexpr const char* kNhwcU8Op = "ActiveShiftNhwcU8";
inline constexpr const char* kBatchNormOp = "BatchNormTraining";
inline constexpr const char* kBatchNormGradOp = "BatchNormTrainingGrad";
inline constexpr const char* kReluGradOp = "ReluGrad";
/// The gradient of BatchNormTraining with relu = 1 (it also needs the forward's bias B).
inline constexpr const char* kBatchNormReluGradOp = "BatchNormReluTrainingGrad";
/// The gradients of a depthwise Conv (asnet/depthwise_conv.h), for training graphs.
inline constexpr const char* kDepthwiseConvGradOp = "DepthwiseConvGrad";
/// ActiveShift(relu(BatchNormTraining(X))) in one op, and its gradient (asnet/bn_relu_shift.h).
inline constexpr const char* kBnReluShiftOp = "BatchNormReluShiftTraining";
inline constexpr const char* kBnReluShiftGradOp = "BatchNormReluShiftTrainingGrad";
/// SGD with momentum for one parameter tensor (asnet/sgd.h), and its attributes.
inline constexpr const char* kSgdOp = "SgdMomentumUpdate";
inline constexpr const char* kMomentumAttr = "momentum";
inline constexpr const char* kWeightDecayAttr = "weight_decay";
inline constexpr const char* kNesterovAttr = "nesterov";
/// Attribute of the ActiveShift ops: two ints (along H, W), each >= 1; absent means [1, 1].
inline constexpr const char* kStridesAttr = "strides";
/// Attribute of ActiveShiftNchwc: the layout's block size, an int > 0 dividing X's channels; required.
inline constexpr const char* kBlockSizeAttr = "block_size";
/// Attribute of DepthwiseConvGrad: four ints >= 0 (top, left, bottom, right), as in Conv; absent
/// means [0, 0, 0, 0].
inline constexpr const char* kPadsAttr = "pads";
/// Attribute of BatchNormTraining: 0 or 1; 1 applies a ReLU to Y (absent means 0).
inline constexpr const char* kReluAttr = "relu";
/// Attribute of the batch-normalization ops: a finite float > 0; absent means 1e-5.
inline constexpr const char* kEpsilonAttr = "epsilon";
/// A per-channel integer affine map with clamping on uint8 tensors, NCHW and channels-last
/// (asnet/channel_affine_u8.h), and its attribute y_min in [0, 255] (absent meaning 0).
inline constexpr const char* kChannelAffineU8Op = "ChannelAffineU8";
inline constexpr const char* kChannelAffineNhwcU8Op = "ChannelAffineNhwcU8";
inline constexpr const char* kYMinAttr = "y_min";

/// The `strides` attribute, or the reason it is invalid.
struct Strides {
  int64_t h = 1, w = 1;
  std::string error;  // empty when valid
};

/// Reads and validates `strides` from a kernel's info (absent means [1, 1]).
Strides ReadStrides(const OrtApi* api, const OrtKernelInfo* info, const char* op);

/// The `block_size` attribute of ActiveShiftNchwc, or the reason it is missing or invalid.
struct BlockSize {
  int64_t value = 0;
  std::string error;  // "<op>: ..." when invalid, else empty
};

/// Reads and validates `block_size` (required, > 0).
BlockSize ReadBlockSize(const OrtApi* api, const OrtKernelInfo* info, const char* op);

/// Validates ActiveShiftNchwc's inputs (X [N, Cp, H, W] blocked by `block`, shift [C, 2] with
/// Cp = roundup(C, block)) and returns its geometry; error text otherwise. Like
/// CheckForwardInputs, a non-empty X must have a size in bytes that fits int64.
std::string CheckNchwcInputs(const std::vector<int64_t>& x, const std::vector<int64_t>& shift,
                             const Strides& s, int64_t block, NchwcGeometry* g);

/// Checks ActiveShiftNchwc's input count and declared shapes at kernel creation (where declared).
std::string CheckDeclaredNchwcInputs(const OrtKernelInfo* info, int64_t block);

/// Validates the shapes of ActiveShift's inputs and returns its geometry; error text otherwise.
/// Dimensions must be >= 0, and a non-empty X must have a size in bytes that fits int64 (then
/// every size product and offset of the kernels does). An empty X (some dimension 0) is valid
/// whatever its other dimensions; its size products may not be representable, so callers test
/// g->empty() before using them.
std::string CheckForwardInputs(const char* op, const std::vector<int64_t>& x,
                               const std::vector<int64_t>& shift, const Strides& s,
                               ShiftGeometry* g);

/// Additionally validates dY's shape for ActiveShiftGrad (s: the strides, for the message; g holds
/// the effective ones).
std::string CheckGradInput(const char* op, const std::vector<int64_t>& dy, const ShiftGeometry& g,
                           const Strides& s);

/// Error text naming the first channel with a NaN or infinite shift, or empty.
std::string CheckShiftValues(const char* op, const float* shift, int64_t channels);

/// Where the shape inference of an op that shifts X finds its inputs and puts its outputs.
struct ShiftShapes {
  size_t inputs;                        // the op's input count (other counts infer nothing)
  size_t x, shift;                      // the inputs X [N, C, H, W] and shift [C, 2]
  bool shifted;                         // output 0: X's shape shifted by the strides, else X's (dX)
  std::vector<size_t> channel_outputs;  // outputs of shape [C]
  int shift_output;                     // an output of shift's shape, or -1
};

/// Shape inference by a ShiftShapes rule (strides read from the `strides` attribute).
void InferShiftShapes(OrtShapeInferContext* ctx, const ShiftShapes& rule);

/// Shape inference for both ops (output 0 like Y or dX; output 1 like shift for the gradient).
/// ONNX Runtime ignores a status returned from shape inference, so invalid inputs simply get no
/// inferred shape here; CheckDeclaredInputs rejects them when the kernel is created.
void InferShapes(OrtShapeInferContext* ctx, bool grad);

/// Checks the input count and the shapes the model declares for the inputs (where it declares
/// them), so that a malformed graph fails when the session is created. Empty when fine.
std::string CheckDeclaredInputs(const OrtKernelInfo* info, bool grad);

/// The product of [begin, end) times `unit` (all >= 0) into *out. A product with a zero factor
/// is 0 whatever the other factors; otherwise false when the product does not fit int64.
bool CheckedProduct(const int64_t* begin, const int64_t* end, int64_t unit, int64_t* out);

/// Optional attributes: the node's value, or dflt when the node does not have the attribute.
float ReadFloatOr(const OrtApi* api, const OrtKernelInfo* info, const char* name, float dflt);
int64_t ReadIntOr(const OrtApi* api, const OrtKernelInfo* info, const char* name, int64_t dflt);

/// "[2,3,4]": a shape for messages.
std::string ShapeText(const std::vector<int64_t>& shape);

/// Formats "<op>: <message>" as an ONNX Runtime error status.
Ort::Status Fail(const char* op, const std::string& message,
                 OrtErrorCode code = ORT_INVALID_ARGUMENT);

}  // namespace asnet
