// The library's one entry point: ONNX Runtime calls RegisterCustomOps when a session options
// object loads this library. Everything else in the library is hidden.
//
// Each op is our own implementation of the public OrtCustomOp struct (ONNX Runtime's C API): we
// fill its callbacks ourselves and never depend on how a header-only helper lays out its private
// state, so a new ONNX Runtime header cannot silently change what we register. The callbacks
// describe the op exactly as the lite custom-op API did before (every input and output float32
// unless the kernel declares other element types, all optional, opset versions 1 and up), so ONNX
// Runtime treats the ops the same way; the asnet_list_ops tool prints all of it.
#include <array>
#include <climits>
#include <cstddef>
#include <exception>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "onnxruntime_cxx_api.h"
#include "ops/active_shift_ops.h"
#include "ops/active_shift_u8_ops.h"
#include "ops/channel_affine_u8_ops.h"
#include "ops/kernel_io.h"
#include "ops/op_contract.h"
#include "ops/training_ops.h"

#ifdef ASNET_WITH_CUDA
#include "cuda/active_shift_cuda_ops.h"
#endif

namespace {

// What an op needs besides its kernel struct: shape inference, and the checks made when a
// session creates a kernel (attributes, declared input shapes; error text or empty).
using InferFn = void (*)(OrtShapeInferContext*);
using CheckFn = std::string (*)(const OrtApi*, const OrtKernelInfo*);

constexpr const char* kCpu = "CPUExecutionProvider";
#ifdef ASNET_WITH_CUDA
constexpr const char* kCuda = "CUDAExecutionProvider";
#endif

// ---- a kernel's inputs and outputs, read from its Compute signature -------------------------
// Compute(OrtKernelContext*, const InputTensor&..., OutputTensor&...): the counts ONNX Runtime is
// told come from the signature itself, so they cannot disagree with what Compute reads.
template <size_t, typename T>
using Repeat = T;

template <size_t... I, size_t... O>
std::tuple<Repeat<I, const asnet::InputTensor&>..., Repeat<O, asnet::OutputTensor&>...> Expected(
    std::index_sequence<I...>, std::index_sequence<O...>);

template <typename Fn>
struct ComputeSignature;

template <typename Kernel, typename... Args>
struct ComputeSignature<Ort::Status (Kernel::*)(OrtKernelContext*, Args...)> {
  static constexpr size_t kInputs = (size_t{0} + ... + std::is_same_v<Args, const asnet::InputTensor&>);
  static constexpr size_t kOutputs = (size_t{0} + ... + std::is_same_v<Args, asnet::OutputTensor&>);
  static_assert(std::is_same_v<std::tuple<Args...>,
                               decltype(Expected(std::make_index_sequence<kInputs>{},
                                                 std::make_index_sequence<kOutputs>{}))>,
                "Compute must take (OrtKernelContext*, const InputTensor&..., OutputTensor&...)");
};

// Kernels that need some inputs in CPU memory (the CUDA ones want `shift` on the host) say so with
// a static InputMemoryType(index); every other input is wherever the provider keeps it.
template <typename Kernel, typename = void>
struct HasInputMemoryType : std::false_type {};
template <typename Kernel>
struct HasInputMemoryType<Kernel, std::void_t<decltype(Kernel::InputMemoryType(size_t{0}))>>
    : std::true_type {};

// Kernels whose inputs or outputs are not all float32 (the uint8 ops) declare them with static
// InputType(index) / OutputType(index); every other op is float32 throughout.
template <typename Kernel, typename = void>
struct HasElementTypes : std::false_type {};
template <typename Kernel>
struct HasElementTypes<Kernel, std::void_t<decltype(Kernel::InputType(size_t{0})),
                                           decltype(Kernel::OutputType(size_t{0}))>> : std::true_type {};

// "<op>: <message>" as a status of the given API (the one ONNX Runtime handed the callback).
OrtStatusPtr Error(const OrtApi* api, OrtErrorCode code, const char* op, const char* message) {
  return api->CreateStatus(code, (std::string(op) + ": " + message).c_str());
}

// ---- one op for one execution provider ------------------------------------------------------
template <typename Kernel, InferFn kInfer, CheckFn kCheck>
class KernelOp final : public OrtCustomOp {
 public:
  KernelOp(const char* name, const char* provider) : OrtCustomOp{}, name_(name), provider_(provider) {
    version = ORT_API_VERSION;
    CreateKernelV2 = &CreateKernelChecked;
    KernelComputeV2 = &Compute;
    KernelDestroy = &Destroy;
    GetName = [](const OrtCustomOp* op) { return Self(op)->name_; };
    GetExecutionProviderType = [](const OrtCustomOp* op) { return Self(op)->provider_; };
    GetInputTypeCount = [](const OrtCustomOp*) { return Signature::kInputs; };
    GetOutputTypeCount = [](const OrtCustomOp*) { return Signature::kOutputs; };
    GetInputType = [](const OrtCustomOp*, size_t index) {
      if constexpr (HasElementTypes<Kernel>::value) {
        return Kernel::InputType(index);
      } else {
        (void)index;
        return ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT;
      }
    };
    GetOutputType = [](const OrtCustomOp*, size_t index) {
      if constexpr (HasElementTypes<Kernel>::value) {
        return Kernel::OutputType(index);
      } else {
        (void)index;
        return ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT;
      }
    };
    // Optional, as the lite API declared them: a node with a missing input still reaches our
    // kernel creation, which names the inputs the op expects.
    GetInputCharacteristic = [](const OrtCustomOp*, size_t) { return INPUT_OUTPUT_OPTIONAL; };
    GetOutputCharacteristic = [](const OrtCustomOp*, size_t) { return INPUT_OUTPUT_OPTIONAL; };
    GetInputMemoryType = [](const OrtCustomOp*, size_t index) {
      if constexpr (HasInputMemoryType<Kernel>::value) {
        return Kernel::InputMemoryType(index);
      } else {
        (void)index;
        return OrtMemTypeDefault;
      }
    };
    // No variadic inputs or outputs; ONNX Runtime calls these for every op of this API version.
    GetVariadicInputMinArity = [](const OrtCustomOp*) { return 0; };
    GetVariadicInputHomogeneity = [](const OrtCustomOp*) { return 0; };
    GetVariadicOutputMinArity = [](const OrtCustomOp*) { return 0; };
    GetVariadicOutputHomogeneity = [](const OrtCustomOp*) { return 0; };
    // Opset versions 1 and every later one (the dev.asnet set has one version so far).
    GetStartVersion = [](const OrtCustomOp*) { return 1; };
    GetEndVersion = [](const OrtCustomOp*) { return INT_MAX; };
    // ONNX Runtime ignores a status from shape inference; problems surface at kernel creation.
    InferOutputShapeFn = [](const OrtCustomOp*, OrtShapeInferContext* ctx) -> OrtStatusPtr {
      kInfer(ctx);
      return nullptr;
    };
    // GetMayInplace, ReleaseMayInplace, GetAliasMap, ReleaseAliasMap stay null: no output reuses
    // an input's buffer.
  }

 private:
  using Signature = ComputeSignature<decltype(&Kernel::Compute)>;

  // The kernel and what its callbacks need to report errors.
  struct State {
    State(const OrtApi* a, const char* n, const char* provider, const OrtKernelInfo* info)
        : api(a), name(n), kernel(a, info) {
      // CPU kernels take their constant inputs (shifts, per-channel parameters, scales) once here
      // instead of per call; other providers may keep initializers in device memory.
      if (std::string(provider) == kCpu) {
        for (size_t i = 0; i < Signature::kInputs; ++i) constants[i] = asnet::ConstantInput(a, info, i);
      }
    }
    const OrtApi* api;
    const char* name;
    Kernel kernel;
    std::array<asnet::ConstantInput, Signature::kInputs> constants;
  };

  static const KernelOp* Self(const OrtCustomOp* op) { return static_cast<const KernelOp*>(op); }

  // Kernel creation that can fail: invalid attributes or declared input shapes make session
  // creation fail with our message.
  static OrtStatusPtr ORT_API_CALL CreateKernelChecked(const OrtCustomOp* op, const OrtApi* api,
                                                       const OrtKernelInfo* info, void** out) {
    *out = nullptr;
    const char* name = Self(op)->name_;
    try {
      const std::string error = kCheck(api, info);
      if (!error.empty()) return api->CreateStatus(ORT_INVALID_ARGUMENT, error.c_str());
      *out = new State(api, name, Self(op)->provider_, info);
      return nullptr;
    } catch (const std::exception& e) {
      return Error(api, ORT_FAIL, name, (std::string("cannot create kernel: ") + e.what()).c_str());
    }
  }

  static OrtStatusPtr ORT_API_CALL Compute(void* raw, OrtKernelContext* ctx) {
    State* s = static_cast<State*>(raw);
    try {
      return Invoke(*s, ctx, std::make_index_sequence<Signature::kInputs>{},
                    std::make_index_sequence<Signature::kOutputs>{})
          .release();
    } catch (const Ort::Exception& e) {  // reading an input or allocating an output failed
      return Error(s->api, e.GetOrtErrorCode(), s->name, e.what());
    } catch (const std::exception& e) {
      return Error(s->api, ORT_FAIL, s->name, e.what());
    }
  }

  template <size_t... I, size_t... O>
  static Ort::Status Invoke(State& s, OrtKernelContext* ctx, std::index_sequence<I...>,
                            std::index_sequence<O...>) {
    const std::array<asnet::InputTensor, sizeof...(I)> in{asnet::InputTensor(ctx, I, &s.constants[I])...};
    std::array<asnet::OutputTensor, sizeof...(O)> out{asnet::OutputTensor(ctx, O)...};
    return s.kernel.Compute(ctx, in[I]..., out[O]...);
  }

  static void ORT_API_CALL Destroy(void* raw) { delete static_cast<State*>(raw); }

  const char* name_;      // static strings
  const char* provider_;
};

// ---- the ops of the domain ----------------------------------------------------------------

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

template <typename Kernel, bool kGrad>
using ActiveShiftOp = KernelOp<Kernel, &InferActiveShift<kGrad>, &CheckActiveShift<kGrad>>;

// Ops whose kernels carry their own name, shape inference and creation checks (the fused
// training ops, ActiveShiftNchwc).
template <typename Kernel>
using SelfDescribedOp = KernelOp<Kernel, &Kernel::InferShapes, &Kernel::CheckKernelInfo>;

// Every op of the domain. They must outlive every session that uses them, so they live for the
// whole process (created on first registration, never destroyed: they own nothing).
struct Ops {
  ActiveShiftOp<asnet::ActiveShiftCpu, false> forward{asnet::kForwardOp, kCpu};
  ActiveShiftOp<asnet::ActiveShiftGradCpu, true> grad{asnet::kGradOp, kCpu};
  // ActiveShift on ONNX Runtime's blocked layout (graphs optimized at level ALL): CPU only.
  SelfDescribedOp<asnet::ActiveShiftNchwcCpu> nchwc{asnet::kNchwcOp, kCpu};
  // ActiveShift on uint8 tensors of quantized models, NCHW and channels-last: CPU only.
  SelfDescribedOp<asnet::ActiveShiftU8NchwCpu> u8{asnet::kU8Op, kCpu};
  SelfDescribedOp<asnet::ActiveShiftNhwcU8Cpu> nhwc_u8{asnet::kNhwcU8Op, kCpu};
  // The per-channel uint8 affine map of quantized models (a BatchNormalization that cannot fold).
  SelfDescribedOp<asnet::ChannelAffineU8NchwCpu> affine_u8{asnet::kChannelAffineU8Op, kCpu};
  SelfDescribedOp<asnet::ChannelAffineNhwcU8Cpu> affine_nhwc_u8{asnet::kChannelAffineNhwcU8Op, kCpu};
  // Training graphs' fused ops: CPU only (on the CUDA provider ONNX Runtime runs them on the CPU).
  SelfDescribedOp<asnet::BatchNormTrainingCpu> batch_norm{asnet::kBatchNormOp, kCpu};
  SelfDescribedOp<asnet::BatchNormTrainingGradCpu> batch_norm_grad{asnet::kBatchNormGradOp, kCpu};
  SelfDescribedOp<asnet::BatchNormReluTrainingGradCpu> batch_norm_relu_grad{asnet::kBatchNormReluGradOp, kCpu};
  SelfDescribedOp<asnet::ReluGradCpu> relu_grad{asnet::kReluGradOp, kCpu};
  SelfDescribedOp<asnet::DepthwiseConvGradCpu> depthwise_grad{asnet::kDepthwiseConvGradOp, kCpu};
  SelfDescribedOp<asnet::BatchNormReluShiftTrainingCpu> bn_relu_shift{asnet::kBnReluShiftOp, kCpu};
  SelfDescribedOp<asnet::BatchNormReluShiftTrainingGradCpu> bn_relu_shift_grad{asnet::kBnReluShiftGradOp, kCpu};
  SelfDescribedOp<asnet::SgdMomentumUpdateCpu> sgd{asnet::kSgdOp, kCpu};
#ifdef ASNET_WITH_CUDA
  ActiveShiftOp<asnet::ActiveShiftCuda, false> forward_cuda{asnet::kForwardOp, kCuda};
  ActiveShiftOp<asnet::ActiveShiftGradCuda, true> grad_cuda{asnet::kGradOp, kCuda};
#endif

  std::vector<const OrtCustomOp*> All() const {
    return {&forward, &grad, &nchwc, &u8, &nhwc_u8, &affine_u8, &affine_nhwc_u8, &batch_norm, &batch_norm_grad,
            &batch_norm_relu_grad, &relu_grad, &depthwise_grad, &bn_relu_shift, &bn_relu_shift_grad, &sgd,
#ifdef ASNET_WITH_CUDA
            &forward_cuda, &grad_cuda,
#endif
    };
  }
};

// The domain, built once per process: its handle, or why it could not be built.
struct Domain {
  OrtCustomOpDomain* handle = nullptr;
  std::string error;
};

Domain MakeDomain(const OrtApi* api) {
  // The C++ helpers the kernels use (Ort::Status, Ort::KernelContext, ...) read the API table from
  // this global; it is set once, here, before any kernel exists.
  Ort::InitApi(api);
  static const Ops ops;
  Domain d;
  OrtStatus* st = api->CreateCustomOpDomain(asnet::kDomain, &d.handle);
  for (const OrtCustomOp* op : ops.All()) {
    if (st == nullptr) st = api->CustomOpDomain_Add(d.handle, op);
  }
  if (st != nullptr) {
    d.error = api->GetErrorMessage(st);
    api->ReleaseStatus(st);
    if (d.handle != nullptr) api->ReleaseCustomOpDomain(d.handle);
    d.handle = nullptr;
  }
  // Never released: sessions keep using the domain, and at process exit there is nothing to gain.
  return d;
}

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
  try {
    // Thread-safe: the first caller builds the domain, concurrent callers wait for it.
    static const Domain domain = MakeDomain(api);
    if (domain.handle == nullptr) {
      return api->CreateStatus(ORT_FAIL, ("asnet ops: registration failed: " + domain.error).c_str());
    }
    return api->AddCustomOpDomain(options, domain.handle);
  } catch (const std::exception& e) {
    return api->CreateStatus(ORT_FAIL, (std::string("asnet ops: registration failed: ") + e.what()).c_str());
  }
}
