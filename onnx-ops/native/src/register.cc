// The library's one entry point: ONNX Runtime calls RegisterCustomOps when a session options
// object loads this library. Everything else in the library is hidden.
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>

#include "onnxruntime_lite_custom_op.h"
#include "ops/active_shift_ops.h"
#include "ops/op_contract.h"

#ifdef ASNET_WITH_CUDA
#include "cuda/active_shift_cuda_ops.h"
#endif

namespace {

// Lite ops take shape inference from the struct; ours needs the raw context to read
// attributes, so it is installed directly on the OrtCustomOp.
template <bool kGrad>
OrtStatusPtr InferShapesFn(const OrtCustomOp*, OrtShapeInferContext* ctx) {
  asnet::InferShapes(ctx, kGrad);
  return nullptr;
}

// Kernel creation that can fail: invalid attributes or declared input shapes make session
// creation fail with our message (the lite op's own CreateKernel cannot return an error).
template <typename Kernel, bool kGrad>
OrtStatusPtr CreateKernelChecked(const OrtCustomOp* op, const OrtApi* api, const OrtKernelInfo* info,
                                 void** out) {
  *out = nullptr;
  const char* name = kGrad ? asnet::kGradOp : asnet::kForwardOp;
  std::string error = asnet::ReadStrides(api, info, name).error;
  if (error.empty()) {
    const std::string bad = asnet::CheckDeclaredInputs(info, kGrad);
    if (!bad.empty()) error = std::string(name) + ": " + bad;
  }
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
    return api->CreateStatus(ORT_FAIL, (std::string(name) + ": cannot create kernel: " + e.what()).c_str());
  }
}

// Kernels that need some inputs in CPU memory (the CUDA ones want `shift` on the host) say so with
// a static InputMemoryType(index); the lite op would otherwise ask for every input on the device.
template <typename Kernel, typename = void>
struct HasInputMemoryType : std::false_type {};
template <typename Kernel>
struct HasInputMemoryType<Kernel, std::void_t<decltype(Kernel::InputMemoryType(size_t{0}))>>
    : std::true_type {};

template <typename Kernel, bool kGrad>
Ort::Custom::OrtLiteCustomOp* MakeOp(const char* name, const char* provider) {
  Ort::Custom::OrtLiteCustomOp* op = Ort::Custom::CreateLiteCustomOp<Kernel>(name, provider);
  op->InferOutputShapeFn = &InferShapesFn<kGrad>;
  op->CreateKernelV2 = &CreateKernelChecked<Kernel, kGrad>;
  if constexpr (HasInputMemoryType<Kernel>::value) {
    op->GetInputMemoryType = [](const OrtCustomOp*, size_t index) { return Kernel::InputMemoryType(index); };
  }
  return op;
}

// The domain and its ops must outlive every session that uses them, so they live for the
// whole process (they are created once, on first registration).
struct Registry {
  Ort::CustomOpDomain domain{asnet::kDomain};
  std::vector<std::unique_ptr<Ort::Custom::OrtLiteCustomOp>> ops;

  Registry() {
    Add(MakeOp<asnet::ActiveShiftCpu, false>(asnet::kForwardOp, "CPUExecutionProvider"));
    Add(MakeOp<asnet::ActiveShiftGradCpu, true>(asnet::kGradOp, "CPUExecutionProvider"));
#ifdef ASNET_WITH_CUDA
    Add(MakeOp<asnet::ActiveShiftCuda, false>(asnet::kForwardOp, "CUDAExecutionProvider"));
    Add(MakeOp<asnet::ActiveShiftGradCuda, true>(asnet::kGradOp, "CUDAExecutionProvider"));
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
