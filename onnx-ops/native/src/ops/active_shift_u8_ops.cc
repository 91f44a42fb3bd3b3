#include "active_shift_u8_ops.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <sstream>
#include <vector>

#include "asnet/active_shift_u8.h"
#include "parallel.h"

namespace asnet {

namespace {

const char* Layout(bool nhwc) { return nhwc ? "[N, H, W, C]" : "[N, C, H, W]"; }

// A per-tensor quantization parameter: a scalar or a 1-element 1-D tensor (QuantizeLinear's forms).
bool IsScalar(const std::vector<int64_t>& s) { return s.empty() || (s.size() == 1 && s[0] == 1); }

}  // namespace

std::string CheckU8Inputs(bool nhwc, const std::vector<int64_t>& x, const std::vector<int64_t>& shift,
                          const std::vector<int64_t>& scale, const std::vector<int64_t>& zero_point,
                          const Strides& s, ShiftGeometry* g) {
  if (x.size() != 4) {
    return std::string("input X must have rank 4 ") + Layout(nhwc) + ", got shape " + ShapeText(x);
  }
  for (int64_t d : x) {
    if (d < 0) return "input X has a negative dimension: shape " + ShapeText(x);
  }
  const int64_t c = nhwc ? x[3] : x[1];
  if (shift.size() != 2 || shift[1] != 2) return "input 'shift' must have shape [C, 2], got " + ShapeText(shift);
  if (shift[0] != c) {
    return "input 'shift' has " + std::to_string(shift[0]) + " channels but X has " + std::to_string(c) +
           " (X shape " + ShapeText(x) + ", layout " + Layout(nhwc) + ")";
  }
  if (!IsScalar(scale)) return "input 'x_scale' must be a scalar (per-tensor quantization), got shape " + ShapeText(scale);
  if (!IsScalar(zero_point)) {
    return "input 'x_zero_point' must be a scalar (per-tensor quantization), got shape " + ShapeText(zero_point);
  }
  // Bytes of X: when they fit int64, so do every row and plane offset and Y (no larger than X).
  int64_t bytes = 0;
  if (!CheckedProduct(x.data(), x.data() + x.size(), 1, &bytes)) {
    return "input X of shape " + ShapeText(x) + " is too large: N*C*H*W bytes overflows int64";
  }
  *g = nhwc ? ShiftGeometry::Make(x[0], x[3], x[1], x[2], s.h, s.w)
            : ShiftGeometry::Make(x[0], x[1], x[2], x[3], s.h, s.w);
  return {};
}

std::shared_ptr<const NhwcU8PlanCache::Entry> NhwcU8PlanCache::Get(const char* op, const ShiftGeometry& g,
                                                                    const float* shift, std::string* error) {
  const PlanCache<NhwcU8ChunkPlan>::Key key{g.c, g.h, g.w, g.sw, 0};
  std::shared_ptr<const Entry> hit = cache_.Find(key, shift);
  if (hit != nullptr) return hit;  // the same bytes passed CheckShiftValues when cached
  *error = CheckShiftValues(op, shift, g.c);
  if (!error->empty()) return nullptr;
  // C > 0 here (non-empty g); 2*C floats are in memory, so the sizes fit.
  return cache_.Build(key, shift, static_cast<size_t>(2 * g.c), static_cast<size_t>(NhwcU8Chunks(g.c)),
                      [&](const float* s, NhwcU8ChunkPlan* plans) { ActiveShiftNhwcU8MakePlans(g, s, plans); });
}

template <bool kNhwc>
void ActiveShiftU8Cpu<kNhwc>::InferShapes(OrtShapeInferContext* raw) {
  try {
    Ort::ShapeInferContext ctx(&Ort::GetApi(), raw);
    if (ctx.GetInputCount() != 4) return;
    std::vector<int64_t> strides = {1, 1};
    const OrtOpAttr* attr = nullptr;
    OrtStatus* st = Ort::GetApi().ShapeInferContext_GetAttribute(raw, kStridesAttr, &attr);
    if (st != nullptr) {
      Ort::GetApi().ReleaseStatus(st);
    } else if (attr != nullptr) {
      strides = ctx.GetAttrInts(kStridesAttr);
    }
    if (strides.size() != 2 || strides[0] < 1 || strides[1] < 1) return;
    const auto& x = ctx.GetInputShape(0);
    if (x.size() != 4) return;
    Ort::ShapeInferContext::Shape out = x;
    const int first = kNhwc ? 1 : 2;  // the H axis
    for (int axis = 0; axis < 2; ++axis) {
      const auto& d = x[first + axis];
      if (d.IsInt() && d.AsInt() >= 0) {
        out[first + axis] = Ort::ShapeInferContext::SymbolicInteger(ShiftGeometry::OutSize(d.AsInt(), strides[axis]));
      } else if (strides[axis] != 1) {
        out[first + axis] = Ort::ShapeInferContext::SymbolicInteger(int64_t{-1});
      }
    }
    (void)ctx.SetOutputShape(0, out, ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8);
  } catch (const std::exception&) {
    // Leave the output unset: the kernel reports the problem when it is created or run.
  }
}

template <bool kNhwc>
std::string ActiveShiftU8Cpu<kNhwc>::CheckKernelInfo(const OrtApi* api, const OrtKernelInfo* info) {
  std::string error = ReadStrides(api, info, kName).error;
  if (!error.empty()) return error;
  try {
    Ort::ConstKernelInfo ki(info);
    if (ki.GetInputCount() != 4) {
      return std::string(kName) + ": expects 4 inputs (X, shift, x_scale, x_zero_point), got " +
             std::to_string(ki.GetInputCount());
    }
    auto declared = [&](size_t i) { return ki.GetInputTypeInfo(i).GetTensorTypeAndShapeInfo().GetShape(); };
    const auto x = declared(0), shift = declared(1);
    // A rank of 0 means the model did not declare a shape; -1 an unknown dimension.
    if (!x.empty() && x.size() != 4) {
      return std::string(kName) + ": input X must have rank 4 " + Layout(kNhwc) + ", but the model declares shape " +
             ShapeText(x);
    }
    if (!shift.empty() && (shift.size() != 2 || (shift[1] >= 0 && shift[1] != 2))) {
      return std::string(kName) + ": input 'shift' must have shape [C, 2], but the model declares " + ShapeText(shift);
    }
    const int64_t c = x.size() == 4 ? x[kNhwc ? 3 : 1] : -1;
    if (c >= 0 && shift.size() == 2 && shift[0] >= 0 && c != shift[0]) {
      return std::string(kName) + ": input 'shift' has " + std::to_string(shift[0]) + " channels but X has " +
             std::to_string(c) + " (declared shapes " + ShapeText(x) + " and " + ShapeText(shift) + ", layout " +
             Layout(kNhwc) + ")";
    }
    return {};
  } catch (const std::exception& e) {
    return std::string(kName) + ": cannot read the declared input types: " + e.what();
  }
}

template <bool kNhwc>
ActiveShiftU8Cpu<kNhwc>::ActiveShiftU8Cpu(const OrtApi* api, const OrtKernelInfo* info)
    : strides_(ReadStrides(api, info, kName)) {}

template <bool kNhwc>
Ort::Status ActiveShiftU8Cpu<kNhwc>::Compute(OrtKernelContext* ctx, const InputTensor& x, const InputTensor& shift,
                                             const InputTensor& scale, const InputTensor& zero_point,
                                             OutputTensor& y) {
  if (!strides_.error.empty()) return Ort::Status(strides_.error.c_str(), ORT_INVALID_ARGUMENT);
  if (!x || !shift || !scale || !zero_point) return Fail(kName, "expects 4 inputs (X, shift, x_scale, x_zero_point)");
  ShiftGeometry g;
  std::string bad = CheckU8Inputs(kNhwc, x.Shape(), shift.Shape(), scale.Shape(), zero_point.Shape(), strides_, &g);
  if (bad.empty()) {
    const float sc = scale.Data()[0];
    if (!std::isfinite(sc) || !(sc > 0.0f)) {
      std::ostringstream os;
      os << "input 'x_scale' must be a finite float > 0, got " << sc;
      bad = os.str();
    }
  }
  // Channels-last on a non-empty tensor: the plan cache checks the shift values (skipped when they
  // equal the cached ones).
  const bool cached = kNhwc && !(g.empty() || g.oh == 0 || g.ow == 0);
  std::shared_ptr<const NhwcU8PlanCache::Entry> entry;
  if (bad.empty()) {
    if (cached) {
      entry = plans_.Get(kName, g, shift.Data(), &bad);
    } else {
      bad = CheckShiftValues(kName, shift.Data(), g.c);
    }
  }
  if (!bad.empty()) return Fail(kName, bad);
  const uint8_t zp = zero_point.DataAs<uint8_t>()[0];

  uint8_t* out = kNhwc ? y.AllocateAs<uint8_t>({g.n, g.oh, g.ow, g.c}) : y.AllocateAs<uint8_t>({g.n, g.c, g.oh, g.ow});
  // Empty tensors first: their size products need not fit int64 (e.g. [0, 1, 2^40, 2^40]).
  if (g.empty() || g.oh == 0 || g.ow == 0) return Ort::Status(nullptr);
  const uint8_t* in = x.DataAs<uint8_t>();
  const float* s = shift.Data();
  const Isa isa = DetectIsa();
  // Tasks sized in bytes (BytesAsFloats); the scratch is left uninitialized: the kernels write
  // every byte they read.
  if (!kNhwc) {
    return ParallelForRanges(ctx, g.planes(), BytesAsFloats(g.out_plane()), [&](int64_t begin, int64_t end) {
      std::unique_ptr<uint8_t[]> scratch(new uint8_t[static_cast<size_t>(ActiveShiftU8ScratchBytes(g))]);
      ActiveShiftU8Forward(isa, g, in, s, zp, out, begin, end, scratch.get());
    });
  }
  // The plans depend only on the shifts and sizes: cached, or (a shift that keeps changing) made
  // once here; read by every task.
  std::vector<NhwcU8ChunkPlan> local;
  const NhwcU8ChunkPlan* plans = entry != nullptr ? entry->plans.data() : nullptr;
  if (plans == nullptr) {
    local.resize(static_cast<size_t>(NhwcU8Chunks(g.c)));
    ActiveShiftNhwcU8MakePlans(g, s, local.data());
    plans = local.data();
  }
  // Tasks are runs of output rows (OW * C bytes each); a row's bytes do not depend on the split.
  return ParallelForRanges(ctx, g.n * g.oh, BytesAsFloats(g.ow * g.c), [&](int64_t begin, int64_t end) {
    std::unique_ptr<uint8_t[]> scratch(new uint8_t[static_cast<size_t>(ActiveShiftNhwcU8ScratchBytes(g))]);
    ActiveShiftNhwcU8Forward(isa, g, in, plans, zp, out, begin, end, scratch.get());
  });
}

template struct ActiveShiftU8Cpu<false>;
template struct ActiveShiftU8Cpu<true>;

}  // namespace asnet
