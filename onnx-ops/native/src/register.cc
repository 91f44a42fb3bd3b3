// The library's one entry point: ONNX Runtime calls RegisterCustomOps when a session options
// object loads this library. Everything else in the library is hidden.
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>

#include "onnxruntime_lite_custom_op.h"
#include "ops/active_shift_ops.h"
#include "ops/op_contract.h"
#include "ops/training_ops.h"

#ifdef ASNET_WITH_CUDA
#include "cuda/active_shift_cuda_ops.h"
#endif

namespace {

// What register.cc needs of an op besides its kernel struct: shape inference, and the checks made
// when a session creates a kernel (attributes, declared input shapes; error text or empty).
using InferFn = void (*)(OrtShapeInferContext*);
using CheckFn = std::string (*)(const OrtApi*, const OrtKernelInfo*);

template <bool kGrad>
void InferActiveShift(OrtShapeInferContext* ctx) {
  asnet::InferShapes(ctx, kGrad);
}

template <bool kGrad>
std::string CheckActiveShift(const OrtApi* api, const OrtKernelInfo* info) {
  const char* name = kGrad ? asnet::kGradOp : asnet::kForwardOp;
  std::string error = asnet::ReadStrides(api, info, name).error;
  if (error.empty()) {
    const std::string bad = asnet::CheckDeclaredInputs(info, kGrad);
    if (!bad.empty()) error = std::string(name) + ": " + bad;
  }
  return error;
}

// Kernel creation that can fail: invalid attributes or declared input shapes make session
// creation fail with our message (the lite op's own CreateKernel cannot return an error).
template <typename Kernel, CheckFn kCheck>
OrtStatusPtr CreateKernelChecked(const OrtCustomOp* op, const OrtApi* api, const OrtKernelInfo* info,
                                 void** out) {
  *out = nullptr;
  const std::string error = kCheck(api, info);
  if (!error.empty()) return api->CreateStatus(ORT_INVALID_ARGUMENT, error.c_str());
  try {
    using Lite = Ort::Custom::OrtLiteCustomStruct<Kernel>;
    auto kernel = std::make_unique<typename Lite::Kernel>();
    Ort::ThrowOnError(api->KernelInfo_GetInputCount(info, &kernel->num_input_));
    Ort::ThrowOnError(api->KernelInfo_GetOutputCount(info, &kernel->num_output_));
    kernel->custom_op_ = std::make_unique<Kernel>(api, info);
    kernel->ep_ = static_cast<const Lite*>(op)->execution_provider_;
    *out = kernel.release();
    return nullptr;
  } catch (const std::exception& e) {
    return api->CreateStatus(ORT_FAIL, (std::string(op->GetName(op)) + ": cannot create kernel: " + e.what()).c_str());
  }
}

// Kernels that need some inputs in CPU memory (the CUDA ones want `shift` on the host) say so with
// a static InputMemoryType(index); the lite op would otherwise ask for every input on the device.
template <typename Kernel, typename = void>
struct HasInputMemoryType : std::false_type {};
template <typename Kernel>
struct HasInputMemoryType<Kernel, std::void_t<decltype(Kernel::InputMemoryType(size_t{0}))>>
    : std::true_type {};

template <typename Kernel, InferFn kInfer, CheckFn kCheck>
Ort::Custom::OrtLiteCustomOp* MakeOp(const char* name, const char* provider) {
  Ort::Custom::OrtLiteCustomOp* op = Ort::Custom::CreateLiteCustomOp<Kernel>(name, provider);
  // ONNX Runtime ignores a status from shape inference; problems surface at kernel creation.
  op->InferOutputShapeFn = [](const OrtCustomOp*, OrtShapeInferContext* ctx) -> OrtStatusPtr {
    kInfer(ctx);
    return nullptr;
  };
  op->CreateKernelV2 = &CreateKernelChecked<Kernel, kCheck>;
  if constexpr (HasInputMemoryType<Kernel>::value) {
    op->GetInputMemoryType = [](const OrtCustomOp*, size_t index) { return Kernel::InputMemoryType(index); };
  }
  return op;
}

template <typename Kernel, bool kGrad>
Ort::Custom::OrtLiteCustomOp* MakeActiveShiftOp(const char* provider) {
  return MakeOp<Kernel, &InferActiveShift<kGrad>, &CheckActiveShift<kGrad>>(
      kGrad ? asnet::kGradOp : asnet::kForwardOp, provider);
}

// The fused training ops carry their own name, shape inference and creation checks.
template <typename Kernel>
Ort::Custom::OrtLiteCustomOp* MakeTrainingOp(const char* provider) {
  return MakeOp<Kernel, &Kernel::InferShapes, &Kernel::CheckKernelInfo>(Kernel::kName, provider);
}

// The domain and its ops must outlive every session that uses them, so they live for the
// whole process (they are created once, on first registration).
struct Registry {
  Ort::CustomOpDomain domain{asnet::kDomain};
  std::vector<std::unique_ptr<Ort::Custom::OrtLiteCustomOp>> ops;

  Registry() {
    Add(MakeActiveShiftOp<asnet::ActiveShiftCpu, false>("CPUExecutionProvider"));
    Add(MakeActiveShiftOp<asnet::ActiveShiftGradCpu, true>("CPUExecutionProvider"));
    // Training graphs' fused ops: CPU only (on the CUDA provider ONNX Runtime runs them on the CPU).
    Add(MakeTrainingOp<asnet::BatchNormTrainingCpu>("CPUExecutionProvider"));
    Add(MakeTrainingOp<asnet::BatchNormTrainingGradCpu>("CPUExecutionProvider"));
    Add(MakeTrainingOp<asnet::ReluGradCpu>("CPUExecutionProvider"));
#ifdef ASNET_WITH_CUDA
    Add(MakeActiveShiftOp<asnet::ActiveShiftCuda, false>("CUDAExecutionProvider"));
    Add(MakeActiveShiftOp<asnet::ActiveShiftGradCuda, true>("CUDAExecutionProvider"));
#endif
  }
  void Add(Ort::Custom::OrtLiteCustomOp* op) {
    ops.emplace_back(op);
    domain.Add(op);
  }
};

}  // namespace

extern "C" __attribute__((visibility("default"))) OrtStatus* ORT_API_CALL
RegisterCustomOps(OrtSessionOptions* options, const OrtApiBase* api_base) {
  const OrtApi* api = api_base->GetApi(ORT_API_VERSION);
  if (api == nullptr) {
    // The runtime predates the API this library was built against. Version 1 of the API
    // always exists, so use it to say so.
    const std::string msg = std::string("asnet ops: ONNX Runtime ") + api_base->GetVersionString() +
                            " is too old: this library needs ONNX Runtime API version " +
                            std::to_string(ORT_API_VERSION) + " (ONNX Runtime 1." +
                            std::to_string(ORT_API_VERSION) + " or newer)";
    const OrtApi* v1 = api_base->GetApi(1);
    return v1 != nullptr ? v1->CreateStatus(ORT_FAIL, msg.c_str()) : nullptr;
  }
  Ort::InitApi(api);
  try {
    static Registry registry;
    return api->AddCustomOpDomain(options, registry.domain);
  } catch (const std::exception& e) {
    return api->CreateStatus(ORT_FAIL, (std::string("asnet ops: registration failed: ") + e.what()).c_str());
  }
}
