#include "op_contract.h"

#include <sstream>

namespace asnet {

std::string ShapeText(const std::vector<int64_t>& shape) {
  std::ostringstream os;
  os << '[';
  for (size_t i = 0; i < shape.size(); ++i) os << (i ? "," : "") << shape[i];
  os << ']';
  return os.str();
}

namespace {

std::string ValidateStrideValues(const std::vector<int64_t>& v) {
  if (v.size() != 2) {
    return "attribute 'strides' must have 2 values (along H, W), got " + std::to_string(v.size());
  }
  if (v[0] < 1 || v[1] < 1) return "attribute 'strides' must be >= 1, got " + ShapeText(v);
  return {};
}

}  // namespace

bool CheckedProduct(const int64_t* begin, const int64_t* end, int64_t unit, int64_t* out) {
  for (const int64_t* d = begin; d != end; ++d) {
    if (*d == 0) {
      *out = 0;
      return true;
    }
  }
  int64_t p = unit;
  for (const int64_t* d = begin; d != end; ++d) {
    if (__builtin_mul_overflow(p, *d, &p)) return false;
  }
  *out = p;
  return true;
}

Ort::Status Fail(const char* op, const std::string& message, OrtErrorCode code) {
  return Ort::Status((std::string(op) + ": " + message).c_str(), code);
}

Strides ReadStrides(const OrtApi* api, const OrtKernelInfo* info, const char* op) {
  Strides s;
  size_t count = 0;
  OrtStatus* st = api->KernelInfoGetAttributeArray_int64(info, kStridesAttr, nullptr, &count);
  if (st != nullptr) {  // absent (wrong types are rejected by shape inference first)
    api->ReleaseStatus(st);
    return s;
  }
  std::vector<int64_t> v(count);
  if (count > 0) {
    st = api->KernelInfoGetAttributeArray_int64(info, kStridesAttr, v.data(), &count);
    if (st != nullptr) {
      s.error = std::string(op) + ": cannot read attribute 'strides': " + api->GetErrorMessage(st);
      api->ReleaseStatus(st);
      return s;
    }
  }
  s.error = ValidateStrideValues(v);
  if (s.error.empty()) {
    s.h = v[0];
    s.w = v[1];
  } else {
    s.error = std::string(op) + ": " + s.error;
  }
  return s;
}

std::string CheckForwardInputs(const char* op, const std::vector<int64_t>& x,
                               const std::vector<int64_t>& shift, const Strides& s,
                               ShiftGeometry* g) {
  (void)op;
  if (x.size() != 4) return "input X must have rank 4 [N, C, H, W], got shape " + ShapeText(x);
  if (shift.size() != 2 || shift[1] != 2) {
    return "input 'shift' must have shape [C, 2], got " + ShapeText(shift);
  }
  if (shift[0] != x[1]) {
    return "input 'shift' has " + std::to_string(shift[0]) + " channels but X has " +
           std::to_string(x[1]) + " (X shape " + ShapeText(x) + ")";
  }
  for (int64_t d : x) {
    if (d < 0) return "input X has a negative dimension: shape " + ShapeText(x);
  }
  // Bytes of X: when they fit int64, so do N*C, H*W, every plane offset and Y (no larger than X).
  int64_t bytes = 0;
  if (!CheckedProduct(x.data(), x.data() + x.size(), int64_t{sizeof(float)}, &bytes)) {
    return "input X of shape " + ShapeText(x) + " is too large: N*C*H*W*4 bytes overflows int64";
  }
  *g = ShiftGeometry::Make(x[0], x[1], x[2], x[3], s.h, s.w);
  return {};
}

BlockSize ReadBlockSize(const OrtApi* api, const OrtKernelInfo* info, const char* op) {
  BlockSize b;
  OrtStatus* st = api->KernelInfoGetAttribute_int64(info, kBlockSizeAttr, &b.value);
  if (st != nullptr) {
    api->ReleaseStatus(st);
    // asnet_list_ops relies on this wording to list the attribute as required.
    b.error = std::string(op) + ": attribute '" + kBlockSizeAttr +
              "' is required (the NCHWc block size of X and Y, an int > 0)";
    return b;
  }
  if (b.value <= 0) {
    b.error = std::string(op) + ": attribute '" + kBlockSizeAttr + "' must be > 0, got " +
              std::to_string(b.value);
  }
  return b;
}

namespace {

// The channel counts of a blocked tensor: Cp a multiple of the block, C (the shifts) with
// Cp = roundup(C, block), i.e. C <= Cp < C + block; C = 0 needs Cp = 0. Written without
// products, so no count can overflow. where() says which shapes (called only for a message: it
// formats them, and this check runs on every call).
template <typename Where>
std::string CheckChannels(int64_t cp, int64_t c, int64_t block, Where&& where) {
  if (cp % block != 0) {
    return std::string("block_size ") + std::to_string(block) + " must divide the channels of X, " +
           std::to_string(cp) + where();
  }
  if (c > cp || cp - c >= block) {
    return "input 'shift' has " + std::to_string(c) + " channels, so X must have roundup(" +
           std::to_string(c) + ", " + std::to_string(block) + ") channels, got " + std::to_string(cp) +
           where();
  }
  return {};
}

}  // namespace

std::string CheckNchwcInputs(const std::vector<int64_t>& x, const std::vector<int64_t>& shift,
                             const Strides& s, int64_t block, NchwcGeometry* g) {
  if (x.size() != 4) {
    return "input X must have rank 4 [N, Cp, H, W] (blocked), got shape " + ShapeText(x);
  }
  if (shift.size() != 2 || shift[1] != 2) {
    return "input 'shift' must have shape [C, 2], got " + ShapeText(shift);
  }
  for (int64_t d : x) {
    if (d < 0) return "input X has a negative dimension: shape " + ShapeText(x);
  }
  if (shift[0] < 0) return "input 'shift' has a negative dimension: shape " + ShapeText(shift);
  const std::string bad = CheckChannels(x[1], shift[0], block, [&] { return " (X shape " + ShapeText(x) + ")"; });
  if (!bad.empty()) return bad;
  // Bytes of X: when they fit int64, so do every block-plane offset and Y (no larger than X).
  int64_t bytes = 0;
  if (!CheckedProduct(x.data(), x.data() + x.size(), int64_t{sizeof(float)}, &bytes)) {
    return "input X of shape " + ShapeText(x) + " is too large: N*Cp*H*W*4 bytes overflows int64";
  }
  *g = NchwcGeometry::Make(x[0], shift[0], x[2], x[3], block, s.h, s.w);
  return {};
}

std::string CheckDeclaredNchwcInputs(const OrtKernelInfo* info, int64_t block) {
  try {
    Ort::ConstKernelInfo ki(info);
    if (ki.GetInputCount() != 2) return "expects 2 inputs (X, shift), got " + std::to_string(ki.GetInputCount());
    auto declared = [&](size_t i) { return ki.GetInputTypeInfo(i).GetTensorTypeAndShapeInfo().GetShape(); };
    const auto x = declared(0);
    const auto shift = declared(1);
    // A rank of 0 means the model did not declare a shape; -1 an unknown dimension.
    if (!x.empty() && x.size() != 4) {
      return "input X must have rank 4 [N, Cp, H, W] (blocked), but the model declares shape " + ShapeText(x);
    }
    if (!shift.empty() && (shift.size() != 2 || (shift[1] >= 0 && shift[1] != 2))) {
      return "input 'shift' must have shape [C, 2], but the model declares " + ShapeText(shift);
    }
    if (x.size() == 4 && x[1] >= 0 && x[1] % block != 0) {
      return "block_size " + std::to_string(block) + " must divide the channels of X, " +
             std::to_string(x[1]) + " (declared shape " + ShapeText(x) + ")";
    }
    if (x.size() == 4 && shift.size() == 2 && x[1] >= 0 && shift[0] >= 0) {
      return CheckChannels(x[1], shift[0], block,
                           [&] { return " (declared shapes " + ShapeText(x) + " and " + ShapeText(shift) + ")"; });
    }
    return {};
  } catch (const std::exception& e) {
    return std::string("cannot read the declared input types: ") + e.what();
  }
}

std::string CheckGradInput(const char* op, const std::vector<int64_t>& dy, const ShiftGeometry& g,
                           const Strides& s) {
  (void)op;
  // Compared in place: this runs on every Compute, which must not allocate when inputs are fine.
  if (dy.size() != 4 || dy[0] != g.n || dy[1] != g.c || dy[2] != g.oh || dy[3] != g.ow) {
    const std::vector<int64_t> want = {g.n, g.c, g.oh, g.ow};
    return "input dY must have shape " + ShapeText(want) + " (the forward output for X [" +
           std::to_string(g.n) + "," + std::to_string(g.c) + "," + std::to_string(g.h) + "," +
           std::to_string(g.w) + "] and strides [" + std::to_string(s.h) + "," +
           std::to_string(s.w) + "]), got " + ShapeText(dy);
  }
  return {};
}

std::string CheckShiftValues(const char* op, const float* shift, int64_t channels) {
  (void)op;
  const int64_t c = FirstNonFiniteShift(shift, channels);
  if (c < 0) return {};
  std::ostringstream os;
  os << "shift of channel " << c << " is not finite (x=" << shift[2 * c] << ", y=" << shift[2 * c + 1]
     << ")";
  return os.str();
}

void InferShiftShapes(OrtShapeInferContext* raw, const ShiftShapes& rule) {
  try {
    Ort::ShapeInferContext ctx(&Ort::GetApi(), raw);
    if (ctx.GetInputCount() != rule.inputs) return;
    std::vector<int64_t> strides = {1, 1};
    const OrtOpAttr* attr = nullptr;
    OrtStatus* st = Ort::GetApi().ShapeInferContext_GetAttribute(raw, kStridesAttr, &attr);
    if (st != nullptr) {
      Ort::GetApi().ReleaseStatus(st);
    } else if (attr != nullptr) {
      strides = ctx.GetAttrInts(kStridesAttr);
    }
    if (!ValidateStrideValues(strides).empty()) return;
    const auto& x = ctx.GetInputShape(rule.x);
    const auto& shift = ctx.GetInputShape(rule.shift);
    if (x.size() != 4 || shift.size() != 2) return;
    Ort::ShapeInferContext::Shape out = x;
    for (int axis = 0; axis < 2 && rule.shifted; ++axis) {  // a gradient dX has X's shape
      const auto& d = x[2 + axis];
      const int64_t s = strides[axis];
      if (d.IsInt() && d.AsInt() >= 0) {
        // Not (d + s - 1) / s: that overflows for strides near 2^63.
        out[2 + axis] = Ort::ShapeInferContext::SymbolicInteger(ShiftGeometry::OutSize(d.AsInt(), s));
      } else if (s != 1) {
        out[2 + axis] = Ort::ShapeInferContext::SymbolicInteger(int64_t{-1});
      }
    }
    Ort::Status set = ctx.SetOutputShape(0, out);
    for (size_t o : rule.channel_outputs) {
      if (set.IsOK()) set = ctx.SetOutputShape(o, Ort::ShapeInferContext::Shape{x[1]});
    }
    if (set.IsOK() && rule.shift_output >= 0) set = ctx.SetOutputShape(static_cast<size_t>(rule.shift_output), shift);
  } catch (const std::exception&) {
    // Leave the outputs unset: the kernel reports the problem when it is created.
  }
}

void InferShapes(OrtShapeInferContext* raw, bool grad) {
  InferShiftShapes(raw, grad ? ShiftShapes{3, 1, 2, false, {}, 1} : ShiftShapes{2, 0, 1, true, {}, -1});
}

std::string CheckDeclaredInputs(const OrtKernelInfo* info, bool grad) {
  try {
    Ort::ConstKernelInfo ki(info);
    auto declared = [&](size_t i) { return ki.GetInputTypeInfo(i).GetTensorTypeAndShapeInfo().GetShape(); };
    const size_t want = grad ? 3 : 2;
    if (ki.GetInputCount() != want) {
      return grad ? "expects 3 inputs (dY, X, shift), got " + std::to_string(ki.GetInputCount())
                  : "expects 2 inputs (X, shift), got " + std::to_string(ki.GetInputCount());
    }
    const auto x = declared(grad ? 1 : 0);
    const auto shift = declared(grad ? 2 : 1);
    // A rank of 0 means the model did not declare a shape; the kernel checks at run time.
    if (!x.empty() && x.size() != 4) {
      return "input X must have rank 4 [N, C, H, W], but the model declares shape " + ShapeText(x);
    }
    if (!shift.empty() && (shift.size() != 2 || (shift[1] >= 0 && shift[1] != 2))) {
      return "input 'shift' must have shape [C, 2], but the model declares " + ShapeText(shift);
    }
    if (x.size() == 4 && shift.size() == 2 && x[1] >= 0 && shift[0] >= 0 && x[1] != shift[0]) {
      return "input 'shift' has " + std::to_string(shift[0]) + " channels but X has " +
             std::to_string(x[1]) + " (declared shapes " + ShapeText(x) + " and " +
             ShapeText(shift) + ")";
    }
    return {};
  } catch (const std::exception& e) {
    return std::string("cannot read the declared input types: ") + e.what();
  }
}

float ReadFloatOr(const OrtApi* api, const OrtKernelInfo* info, const char* name, float dflt) {
  float v = dflt;
  OrtStatus* st = api->KernelInfoGetAttribute_float(info, name, &v);
  if (st != nullptr) {  // absent
    api->ReleaseStatus(st);
    return dflt;
  }
  return v;
}

int64_t ReadIntOr(const OrtApi* api, const OrtKernelInfo* info, const char* name, int64_t dflt) {
  int64_t v = dflt;
  OrtStatus* st = api->KernelInfoGetAttribute_int64(info, name, &v);
  if (st != nullptr) {  // absent
    api->ReleaseStatus(st);
    return dflt;
  }
  return v;
}

}  // namespace asnet
