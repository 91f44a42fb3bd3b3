// asnet_list_ops: prints what libasnet_ops.so registers with ONNX Runtime, as ONNX Runtime sees it.
//
// It calls the library's only export, RegisterCustomOps, with a recording fake of the public C API
// (API version ORT_API_VERSION), then asks every registered OrtCustomOp for its name, provider,
// versions, inputs and outputs (element type, characteristic, memory type) and which callbacks it
// fills. The attributes of an op are not part of OrtCustomOp, so each kernel is also created once
// through the op's own CreateKernelV2 with a fake kernel info that declares no shapes and no
// attributes: every attribute getter the kernel calls is recorded with the attribute type it asks
// for (an op reads all its attributes when its kernel is created, so that invalid values fail the
// session early). An op with a required attribute fails that creation with "attribute '<name>' is
// required"; the listing then says "required <name>" (an op reads its optional attributes before
// its required one, so every attribute is still recorded).
//
// The Maven build writes the listing next to the native build (registered-ops.txt) and the Java
// test RegisteredOpsTest compares it with the Java op contract, in both directions. The output is
// also a before/after record of registration changes: any change in what ONNX Runtime is told
// shows up as a diff.
//
// Exits non-zero when registration or a kernel creation fails.
#include <cstdio>
#include <cstring>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "onnxruntime_c_api.h"

extern "C" OrtStatus* ORT_API_CALL RegisterCustomOps(OrtSessionOptions*, const OrtApiBase*);

namespace {

// ---- fake statuses: real objects, because the library reads their messages ------------------
struct FakeStatus {
  OrtErrorCode code;
  std::string message;
};

OrtStatus* ORT_API_CALL CreateStatus(OrtErrorCode code, const char* msg) NO_EXCEPTION {
  return reinterpret_cast<OrtStatus*>(new FakeStatus{code, msg});
}
OrtErrorCode ORT_API_CALL GetErrorCode(const OrtStatus* st) NO_EXCEPTION {
  return reinterpret_cast<const FakeStatus*>(st)->code;
}
const char* ORT_API_CALL GetErrorMessage(const OrtStatus* st) NO_EXCEPTION {
  return reinterpret_cast<const FakeStatus*>(st)->message.c_str();
}
void ORT_API_CALL ReleaseStatus(OrtStatus* st) NO_EXCEPTION { delete reinterpret_cast<FakeStatus*>(st); }

// ---- the domain registration ---------------------------------------------------------------
struct FakeDomain {
  std::string name;
  std::vector<const OrtCustomOp*> ops;
};
std::vector<FakeDomain*> domains;
int domains_added = 0;

OrtStatus* ORT_API_CALL CreateCustomOpDomain(const char* name, OrtCustomOpDomain** out) NO_EXCEPTION {
  domains.push_back(new FakeDomain{name, {}});
  *out = reinterpret_cast<OrtCustomOpDomain*>(domains.back());
  return nullptr;
}
OrtStatus* ORT_API_CALL CustomOpDomain_Add(OrtCustomOpDomain* d, const OrtCustomOp* op) NO_EXCEPTION {
  reinterpret_cast<FakeDomain*>(d)->ops.push_back(op);
  return nullptr;
}
OrtStatus* ORT_API_CALL AddCustomOpDomain(OrtSessionOptions*, OrtCustomOpDomain*) NO_EXCEPTION {
  ++domains_added;
  return nullptr;
}
void ORT_API_CALL ReleaseCustomOpDomain(OrtCustomOpDomain*) NO_EXCEPTION {}

// ---- the kernel info of the op being created: N inputs without declared shapes --------------
struct FakeKernelInfo {
  size_t inputs = 0, outputs = 0;
  std::set<std::pair<std::string, std::string>> attributes;  // (name, ONNX attribute type)
};

OrtStatus* Absent(const OrtKernelInfo* info, const char* name, const char* type) {
  const_cast<FakeKernelInfo*>(reinterpret_cast<const FakeKernelInfo*>(info))->attributes.emplace(name, type);
  return CreateStatus(ORT_FAIL, "attribute not present");
}
OrtStatus* ORT_API_CALL GetAttrFloat(const OrtKernelInfo* info, const char* name, float*) NO_EXCEPTION {
  return Absent(info, name, "float");
}
OrtStatus* ORT_API_CALL GetAttrInt(const OrtKernelInfo* info, const char* name, int64_t*) NO_EXCEPTION {
  return Absent(info, name, "int");
}
OrtStatus* ORT_API_CALL GetAttrString(const OrtKernelInfo* info, const char* name, char*, size_t*) NO_EXCEPTION {
  return Absent(info, name, "string");
}
OrtStatus* ORT_API_CALL GetAttrFloats(const OrtKernelInfo* info, const char* name, float*, size_t*) NO_EXCEPTION {
  return Absent(info, name, "floats");
}
OrtStatus* ORT_API_CALL GetAttrInts(const OrtKernelInfo* info, const char* name, int64_t*, size_t*) NO_EXCEPTION {
  return Absent(info, name, "ints");
}
OrtStatus* ORT_API_CALL GetAttrTensor(const OrtKernelInfo* info, const char* name, OrtAllocator*,
                                      OrtValue**) NO_EXCEPTION {
  return Absent(info, name, "tensor");
}
OrtStatus* ORT_API_CALL GetInputCount(const OrtKernelInfo* info, size_t* out) NO_EXCEPTION {
  *out = reinterpret_cast<const FakeKernelInfo*>(info)->inputs;
  return nullptr;
}
OrtStatus* ORT_API_CALL GetOutputCount(const OrtKernelInfo* info, size_t* out) NO_EXCEPTION {
  *out = reinterpret_cast<const FakeKernelInfo*>(info)->outputs;
  return nullptr;
}
// Every input is a tensor of unknown rank (dimension count 0: "not declared").
char type_info_token, tensor_info_token;
OrtStatus* ORT_API_CALL GetInputTypeInfo(const OrtKernelInfo*, size_t, OrtTypeInfo** out) NO_EXCEPTION {
  *out = reinterpret_cast<OrtTypeInfo*>(&type_info_token);
  return nullptr;
}
OrtStatus* ORT_API_CALL CastToTensorInfo(const OrtTypeInfo*, const OrtTensorTypeAndShapeInfo** out) NO_EXCEPTION {
  *out = reinterpret_cast<const OrtTensorTypeAndShapeInfo*>(&tensor_info_token);
  return nullptr;
}
OrtStatus* ORT_API_CALL GetDimensionsCount(const OrtTensorTypeAndShapeInfo*, size_t* out) NO_EXCEPTION {
  *out = 0;
  return nullptr;
}
OrtStatus* ORT_API_CALL GetDimensions(const OrtTensorTypeAndShapeInfo*, int64_t*, size_t) NO_EXCEPTION {
  return nullptr;
}
void ORT_API_CALL ReleaseTypeInfo(OrtTypeInfo*) NO_EXCEPTION {}
// No input is a constant initializer (the kernels then read every input per call).
OrtStatus* ORT_API_CALL GetConstantInput(const OrtKernelInfo*, size_t, int* is_constant,
                                         const OrtValue** out) NO_EXCEPTION {
  *is_constant = 0;
  *out = nullptr;
  return nullptr;
}

OrtApi MakeApi() {
  OrtApi api{};
  api.CreateStatus = &CreateStatus;
  api.GetErrorCode = &GetErrorCode;
  api.GetErrorMessage = &GetErrorMessage;
  api.ReleaseStatus = &ReleaseStatus;
  api.CreateCustomOpDomain = &CreateCustomOpDomain;
  api.CustomOpDomain_Add = &CustomOpDomain_Add;
  api.AddCustomOpDomain = &AddCustomOpDomain;
  api.ReleaseCustomOpDomain = &ReleaseCustomOpDomain;
  api.KernelInfoGetAttribute_float = &GetAttrFloat;
  api.KernelInfoGetAttribute_int64 = &GetAttrInt;
  api.KernelInfoGetAttribute_string = &GetAttrString;
  api.KernelInfoGetAttributeArray_float = &GetAttrFloats;
  api.KernelInfoGetAttributeArray_int64 = &GetAttrInts;
  api.KernelInfoGetAttribute_tensor = &GetAttrTensor;
  api.KernelInfo_GetInputCount = &GetInputCount;
  api.KernelInfo_GetOutputCount = &GetOutputCount;
  api.KernelInfo_GetInputTypeInfo = &GetInputTypeInfo;
  api.CastTypeInfoToTensorInfo = &CastToTensorInfo;
  api.GetDimensionsCount = &GetDimensionsCount;
  api.GetDimensions = &GetDimensions;
  api.ReleaseTypeInfo = &ReleaseTypeInfo;
  api.KernelInfoGetConstantInput_tensor = &GetConstantInput;
  return api;
}

OrtApi fake_api = MakeApi();
const OrtApi* ORT_API_CALL GetApi(uint32_t version) NO_EXCEPTION {
  return version <= ORT_API_VERSION ? &fake_api : nullptr;
}
const char* ORT_API_CALL GetVersionString() NO_EXCEPTION { return "asnet_list_ops fake"; }

// ---- printing ------------------------------------------------------------------------------
const char* TypeName(ONNXTensorElementDataType t) {
  switch (t) {
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT: return "float";
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE: return "double";
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64: return "int64";
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8: return "uint8";
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32: return "int32";
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED: return "any";
    default: return "other";
  }
}
const char* CharacteristicName(OrtCustomOpInputOutputCharacteristic c) {
  switch (c) {
    case INPUT_OUTPUT_REQUIRED: return "required";
    case INPUT_OUTPUT_OPTIONAL: return "optional";
    case INPUT_OUTPUT_VARIADIC: return "variadic";
  }
  return "?";
}
const char* MemTypeName(OrtMemType m) {
  switch (m) {
    case OrtMemTypeCPUInput: return "cpu-input";
    case OrtMemTypeCPUOutput: return "cpu-output";
    case OrtMemTypeDefault: return "default";
  }
  return "?";
}

// Prints one op; false when its kernel cannot be created.
bool PrintOp(const OrtCustomOp* op) {
  const char* ep = op->GetExecutionProviderType ? op->GetExecutionProviderType(op) : nullptr;
  std::printf("op %s %s\n", op->GetName(op), ep ? ep : "(null: CPUExecutionProvider)");
  std::printf("  version %u\n", op->version);
  if (op->GetStartVersion && op->GetEndVersion) {
    std::printf("  opset %d %d\n", op->GetStartVersion(op), op->GetEndVersion(op));
  }
  const size_t n_in = op->GetInputTypeCount(op), n_out = op->GetOutputTypeCount(op);
  std::printf("  inputs");
  for (size_t i = 0; i < n_in; ++i) {
    std::printf(" %s:%s:%s", TypeName(op->GetInputType(op, i)),
                op->GetInputCharacteristic ? CharacteristicName(op->GetInputCharacteristic(op, i)) : "-",
                op->GetInputMemoryType ? MemTypeName(op->GetInputMemoryType(op, i)) : "-");
  }
  std::printf("\n  outputs");
  for (size_t i = 0; i < n_out; ++i) {
    std::printf(" %s:%s", TypeName(op->GetOutputType(op, i)),
                op->GetOutputCharacteristic ? CharacteristicName(op->GetOutputCharacteristic(op, i)) : "-");
  }
  std::printf("\n  variadic");
  if (op->GetVariadicInputMinArity) std::printf(" in-min=%d", op->GetVariadicInputMinArity(op));
  if (op->GetVariadicInputHomogeneity) std::printf(" in-same=%d", op->GetVariadicInputHomogeneity(op));
  if (op->GetVariadicOutputMinArity) std::printf(" out-min=%d", op->GetVariadicOutputMinArity(op));
  if (op->GetVariadicOutputHomogeneity) std::printf(" out-same=%d", op->GetVariadicOutputHomogeneity(op));
  std::printf("\n  callbacks");
  const std::pair<const char*, bool> callbacks[] = {
      {"CreateKernel", op->CreateKernel != nullptr},
      {"CreateKernelV2", op->CreateKernelV2 != nullptr},
      {"KernelCompute", op->KernelCompute != nullptr},
      {"KernelComputeV2", op->KernelComputeV2 != nullptr},
      {"KernelDestroy", op->KernelDestroy != nullptr},
      {"InferOutputShapeFn", op->InferOutputShapeFn != nullptr},
      {"GetMayInplace", op->GetMayInplace != nullptr},
      {"ReleaseMayInplace", op->ReleaseMayInplace != nullptr},
      {"GetAliasMap", op->GetAliasMap != nullptr},
      {"ReleaseAliasMap", op->ReleaseAliasMap != nullptr}};
  for (const auto& c : callbacks) {
    if (c.second) std::printf(" %s", c.first);
  }
  std::printf("\n");

  FakeKernelInfo info;
  info.inputs = n_in;
  info.outputs = n_out;
  void* kernel = nullptr;
  if (op->CreateKernelV2 != nullptr) {
    OrtStatus* st = op->CreateKernelV2(op, &fake_api, reinterpret_cast<const OrtKernelInfo*>(&info), &kernel);
    if (st != nullptr) {
      // An op with a required attribute cannot be created without it: that is the one failure
      // allowed here, when the message names an attribute the kernel read ("attribute 'x' is
      // required"). The listing then marks that attribute required.
      const std::string message = GetErrorMessage(st);
      ReleaseStatus(st);
      std::string required;
      for (const auto& a : info.attributes) {
        if (message.find("attribute '" + a.first + "' is required") != std::string::npos) required = a.first;
      }
      if (required.empty()) {
        std::fprintf(stderr, "asnet_list_ops: creating a kernel of %s failed: %s\n", op->GetName(op),
                     message.c_str());
        return false;
      }
      std::printf("  required %s\n", required.c_str());
    }
  } else if (op->CreateKernel != nullptr) {
    kernel = op->CreateKernel(op, &fake_api, reinterpret_cast<const OrtKernelInfo*>(&info));
  }
  if (kernel != nullptr && op->KernelDestroy != nullptr) op->KernelDestroy(kernel);
  std::printf("  attributes");
  for (const auto& a : info.attributes) std::printf(" %s:%s", a.first.c_str(), a.second.c_str());
  std::printf("\n");
  return true;
}

}  // namespace

int main() {
  const OrtApiBase base{&GetApi, &GetVersionString};
  OrtStatus* st = RegisterCustomOps(nullptr, &base);
  if (st != nullptr) {
    std::fprintf(stderr, "asnet_list_ops: RegisterCustomOps failed: %s\n", GetErrorMessage(st));
    return 1;
  }
  std::printf("# What RegisterCustomOps registers (asnet_list_ops, fake ONNX Runtime API %d)\n", ORT_API_VERSION);
#ifdef ASNET_LIST_EXPECT_CUDA
  std::printf("cuda-ops built\n");  // the library was built with nvcc: CUDA registrations expected
#else
  std::printf("cuda-ops not-built\n");
#endif
  std::printf("domains-added %d\n", domains_added);
  bool ok = true;
  for (const FakeDomain* d : domains) {
    std::printf("domain %s\n", d->name.c_str());
    for (const OrtCustomOp* op : d->ops) ok = PrintOp(op) && ok;
  }
  return ok ? 0 : 1;
}
