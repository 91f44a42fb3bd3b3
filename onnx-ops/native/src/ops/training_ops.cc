#include "training_ops.h"

#include <algorithm>
#include <cstdint>
#include <cmath>
#include <sstream>
#include <vector>

#include "asnet/batch_norm.h"
#include "asnet/bn_relu_shift.h"
#include "parallel.h"

namespace asnet {

namespace {

using Dims = std::vector<int64_t>;

// Checks that a per-channel input is [C].
std::string PerChannel(const char* what, const Dims& shape, int64_t c, const Dims& x) {
  if (shape.size() == 1 && shape[0] == c) return {};
  return std::string("input '") + what + "' must have shape [" + std::to_string(c) +
         "] (the channels of X " + ShapeText(x) + "), got " + ShapeText(shape);
}

std::string SameShape(const char* what, const Dims& shape, const char* like, const Dims& want) {
  if (shape == want) return {};
  return std::string("input ") + what + " must have the shape of " + like + " " + ShapeText(want) +
         ", got " + ShapeText(shape);
}

// Declared-shape checks at kernel creation: input count, and the rank of the per-channel inputs
// [first_per_channel, end_per_channel) (default: to the last input) where the model declares one.
// The last `optional` inputs may be left out.
std::string CheckDeclared(const OrtKernelInfo* info, const std::vector<const char*>& inputs,
                          size_t first_per_channel, size_t end_per_channel = SIZE_MAX, size_t optional = 0) {
  try {
    Ort::ConstKernelInfo ki(info);
    if (ki.GetInputCount() > inputs.size() || ki.GetInputCount() + optional < inputs.size()) {
      std::string names;
      for (size_t i = 0; i < inputs.size(); ++i) names += std::string(i ? ", " : "") + inputs[i];
      const std::string count = optional == 0 ? std::to_string(inputs.size())
                                              : std::to_string(inputs.size() - optional) + " or " +
                                                    std::to_string(inputs.size());
      return "expects " + count + " inputs (" + names + "), got " + std::to_string(ki.GetInputCount());
    }
    for (size_t i = first_per_channel; i < std::min(end_per_channel, ki.GetInputCount()); ++i) {
      const Dims d = ki.GetInputTypeInfo(i).GetTensorTypeAndShapeInfo().GetShape();
      if (d.size() > 1) {
        return std::string("input '") + inputs[i] + "' must have rank 1 [C], but the model declares " +
               ShapeText(d);
      }
    }
    return {};
  } catch (const std::exception& e) {
    return std::string("cannot read the declared input types: ") + e.what();
  }
}

// Shape inference: output `out` gets input `in`'s shape; outputs listed in `channels` get [C].
void InferLike(OrtShapeInferContext* raw, size_t inputs, size_t in, size_t out,
               std::initializer_list<size_t> channels) {
  try {
    Ort::ShapeInferContext ctx(&Ort::GetApi(), raw);
    if (ctx.GetInputCount() < inputs) return;  // optional inputs may follow
    const auto& x = ctx.GetInputShape(in);
    Ort::Status st = ctx.SetOutputShape(out, x);
    if (!st.IsOK() || x.size() < 2) return;
    for (size_t o : channels) {
      st = ctx.SetOutputShape(o, Ort::ShapeInferContext::Shape{x[1]});
      if (!st.IsOK()) return;
    }
  } catch (const std::exception&) {
    // Leave the outputs unset: the kernel reports the problem when it is created or run.
  }
}

std::string WithOp(const char* op, const std::string& error) {
  return error.empty() ? error : std::string(op) + ": " + error;
}

}  // namespace

std::string CheckChannelShape(const std::vector<int64_t>& x, ChannelGeometry* g) {
  if (x.size() < 2) return "input X must have rank >= 2 [N, C, ...], got shape " + ShapeText(x);
  for (int64_t d : x) {
    if (d < 0) return "input X has a negative dimension: shape " + ShapeText(x);
  }
  // Bytes of X: when they fit int64, so do S, N*S and every plane offset of the kernels.
  int64_t bytes = 0;
  if (!CheckedProduct(x.data(), x.data() + x.size(), int64_t{sizeof(float)}, &bytes)) {
    return "input X of shape " + ShapeText(x) + " is too large: its size in bytes overflows int64";
  }
  g->n = x[0];
  g->c = x[1];
  // An empty X may still have spatial sizes whose product overflows ([0, C, 2^40, 2^40]); no
  // kernel reads S when N or C is 0 (count() is then 0), so it is set to 0 there.
  if (!CheckedProduct(x.data() + 2, x.data() + x.size(), 1, &g->s)) g->s = 0;
  return {};
}

Epsilon ReadEpsilon(const OrtApi* api, const OrtKernelInfo* info, const char* op) {
  Epsilon e;
  const float v = ReadFloatOr(api, info, kEpsilonAttr, e.value);
  if (!std::isfinite(v) || !(v > 0.0f)) {
    std::ostringstream os;
    os << op << ": attribute 'epsilon' must be a finite number > 0, got " << v;
    e.error = os.str();
    return e;
  }
  e.value = v;
  return e;
}

ReluFlag ReadReluFlag(const OrtApi* api, const OrtKernelInfo* info, const char* op) {
  ReluFlag r;
  const int64_t v = ReadIntOr(api, info, kReluAttr, 0);
  if (v != 0 && v != 1) {
    r.error = std::string(op) + ": attribute 'relu' must be 0 or 1, got " + std::to_string(v);
    return r;
  }
  r.value = v == 1;
  return r;
}

// ---- BatchNormTraining -------------------------------------------------------------------

void BatchNormTrainingCpu::InferShapes(OrtShapeInferContext* ctx) { InferLike(ctx, 3, 0, 0, {1, 2}); }

std::string BatchNormTrainingCpu::CheckKernelInfo(const OrtApi* api, const OrtKernelInfo* info) {
  const Epsilon e = ReadEpsilon(api, info, kName);
  if (!e.error.empty()) return e.error;
  const ReluFlag r = ReadReluFlag(api, info, kName);
  if (!r.error.empty()) return r.error;
  return WithOp(kName, CheckDeclared(info, {"X", "scale", "B"}, 1));
}

BatchNormTrainingCpu::BatchNormTrainingCpu(const OrtApi* api, const OrtKernelInfo* info)
    : eps_(ReadEpsilon(api, info, kName)), relu_(ReadReluFlag(api, info, kName)) {}

Ort::Status BatchNormTrainingCpu::Compute(OrtKernelContext* ctx, const InputTensor& x,
                                          const InputTensor& scale,
                                          const InputTensor& bias,
                                          OutputTensor& y, OutputTensor& mean,
                                          OutputTensor& var) {
  if (!eps_.error.empty()) return Ort::Status(eps_.error.c_str(), ORT_INVALID_ARGUMENT);
  if (!relu_.error.empty()) return Ort::Status(relu_.error.c_str(), ORT_INVALID_ARGUMENT);
  if (!x || !scale || !bias) return Fail(kName, "expects 3 inputs (X, scale, B)");
  ChannelGeometry g;
  const Dims& xs = x.Shape();
  std::string bad = CheckChannelShape(xs, &g);
  if (bad.empty()) bad = PerChannel("scale", scale.Shape(), g.c, xs);
  if (bad.empty()) bad = PerChannel("B", bias.Shape(), g.c, xs);
  if (!bad.empty()) return Fail(kName, bad);

  float* out = y.Allocate(xs);
  float* m = mean.Allocate({g.c});
  float* v = var.Allocate({g.c});
  if (g.c == 0) return Ort::Status(nullptr);
  const float* in = x.Data();
  const float* sc = scale.Data();
  const float* b = bias.Data();
  const Isa isa = DetectIsa();
  const float eps = eps_.value;
  const bool relu = relu_.value;
  return ParallelForChannelChunks(ctx, g.c, g.count(), [&](int64_t begin, int64_t end) {
    BatchNormTrainingForward(isa, g, in, sc, b, eps, relu, out, m, v, begin, end);
  });
}

// ---- BatchNormTrainingGrad ---------------------------------------------------------------

void BatchNormTrainingGradCpu::InferShapes(OrtShapeInferContext* ctx) { InferLike(ctx, 5, 1, 0, {1, 2}); }

std::string BatchNormTrainingGradCpu::CheckKernelInfo(const OrtApi* api, const OrtKernelInfo* info) {
  const Epsilon e = ReadEpsilon(api, info, kName);
  if (!e.error.empty()) return e.error;
  return WithOp(kName, CheckDeclared(info, {"dY", "X", "scale", "mean", "var", "dX_add"}, 2, 5, 1));
}

BatchNormTrainingGradCpu::BatchNormTrainingGradCpu(const OrtApi* api, const OrtKernelInfo* info)
    : eps_(ReadEpsilon(api, info, kName)) {}

namespace {

// BatchNormTrainingGrad, and with bias (not null) BatchNormReluTrainingGrad.
Ort::Status BnGrad(OrtKernelContext* ctx, const char* op, float eps, const InputTensor& dy,
                   const InputTensor& x, const InputTensor& scale, const InputTensor* bias,
                   const InputTensor& mean, const InputTensor& var, const InputTensor& dx_add,
                   OutputTensor& dx, OutputTensor& dscale, OutputTensor& dbias) {
  ChannelGeometry g;
  const Dims& xs = x.Shape();
  std::string bad = CheckChannelShape(xs, &g);
  if (bad.empty()) bad = SameShape("dY", dy.Shape(), "X", xs);
  if (bad.empty() && dx_add) bad = SameShape("dX_add", dx_add.Shape(), "X", xs);
  if (bad.empty()) bad = PerChannel("scale", scale.Shape(), g.c, xs);
  if (bad.empty() && bias != nullptr) bad = PerChannel("B", bias->Shape(), g.c, xs);
  if (bad.empty()) bad = PerChannel("mean", mean.Shape(), g.c, xs);
  if (bad.empty()) bad = PerChannel("var", var.Shape(), g.c, xs);
  if (bad.empty()) {
    const int64_t c = FirstInvalidVariance(var.Data(), eps, g.c);
    if (c >= 0) {
      std::ostringstream os;
      os << "input 'var' of channel " << c << " is " << var.Data()[c]
         << ": var + epsilon must be a finite number > 0";
      bad = os.str();
    }
  }
  if (!bad.empty()) return Fail(op, bad);

  float* gx = dx.Allocate(xs);
  float* gs = dscale.Allocate({g.c});
  float* gb = dbias.Allocate({g.c});
  if (g.c == 0) return Ort::Status(nullptr);
  const float* gy = dy.Data();
  const float* in = x.Data();
  const float* sc = scale.Data();
  const float* b = bias != nullptr ? bias->Data() : nullptr;
  const float* m = mean.Data();
  const float* v = var.Data();
  const float* add = dx_add ? dx_add.Data() : nullptr;
  const Isa isa = DetectIsa();
  return ParallelForChannelChunks(ctx, g.c, g.count(), [&](int64_t begin, int64_t end) {
    BatchNormTrainingBackward(isa, g, gy, in, sc, b, m, v, eps, gx, gs, gb, begin, end, add);
  });
}

}  // namespace

Ort::Status BatchNormTrainingGradCpu::Compute(
    OrtKernelContext* ctx, const InputTensor& dy, const InputTensor& x,
    const InputTensor& scale, const InputTensor& mean,
    const InputTensor& var, const InputTensor& dx_add, OutputTensor& dx,
    OutputTensor& dscale, OutputTensor& dbias) {
  if (!eps_.error.empty()) return Ort::Status(eps_.error.c_str(), ORT_INVALID_ARGUMENT);
  if (!dy || !x || !scale || !mean || !var) return Fail(kName, "expects 5 inputs (dY, X, scale, mean, var)");
  return BnGrad(ctx, kName, eps_.value, dy, x, scale, nullptr, mean, var, dx_add, dx, dscale, dbias);
}

// ---- BatchNormReluTrainingGrad -----------------------------------------------------------

void BatchNormReluTrainingGradCpu::InferShapes(OrtShapeInferContext* ctx) { InferLike(ctx, 6, 1, 0, {1, 2}); }

std::string BatchNormReluTrainingGradCpu::CheckKernelInfo(const OrtApi* api, const OrtKernelInfo* info) {
  const Epsilon e = ReadEpsilon(api, info, kName);
  if (!e.error.empty()) return e.error;
  return WithOp(kName, CheckDeclared(info, {"dY", "X", "scale", "B", "mean", "var", "dX_add"}, 2, 6, 1));
}

BatchNormReluTrainingGradCpu::BatchNormReluTrainingGradCpu(const OrtApi* api, const OrtKernelInfo* info)
    : eps_(ReadEpsilon(api, info, kName)) {}

Ort::Status BatchNormReluTrainingGradCpu::Compute(OrtKernelContext* ctx, const InputTensor& dy,
                                                  const InputTensor& x, const InputTensor& scale,
                                                  const InputTensor& bias, const InputTensor& mean,
                                                  const InputTensor& var, const InputTensor& dx_add,
                                                  OutputTensor& dx, OutputTensor& dscale,
                                                  OutputTensor& dbias) {
  if (!eps_.error.empty()) return Ort::Status(eps_.error.c_str(), ORT_INVALID_ARGUMENT);
  if (!dy || !x || !scale || !bias || !mean || !var) {
    return Fail(kName, "expects 6 inputs (dY, X, scale, B, mean, var)");
  }
  return BnGrad(ctx, kName, eps_.value, dy, x, scale, &bias, mean, var, dx_add, dx, dscale, dbias);
}

// ---- ReluGrad ----------------------------------------------------------------------------

void ReluGradCpu::InferShapes(OrtShapeInferContext* ctx) { InferLike(ctx, 2, 0, 0, {}); }

std::string ReluGradCpu::CheckKernelInfo(const OrtApi*, const OrtKernelInfo* info) {
  return WithOp(kName, CheckDeclared(info, {"dY", "Y"}, 2));
}

ReluGradCpu::ReluGradCpu(const OrtApi*, const OrtKernelInfo*) {}

Ort::Status ReluGradCpu::Compute(OrtKernelContext* ctx, const InputTensor& dy,
                                 const InputTensor& y, OutputTensor& dx) {
  if (!dy || !y) return Fail(kName, "expects 2 inputs (dY, Y)");
  const Dims& ys = y.Shape();
  const std::string bad = SameShape("dY", dy.Shape(), "Y", ys);
  if (!bad.empty()) return Fail(kName, bad);
  float* out = dx.Allocate(ys);
  const int64_t total = y.NumberOfElement();
  if (total == 0) return Ort::Status(nullptr);
  const float* gy = dy.Data();
  const float* in = y.Data();
  const Isa isa = DetectIsa();
  return ParallelForRanges(ctx, total, 1, [&](int64_t begin, int64_t end) {
    ReluBackward(isa, gy, in, out, begin, end);
  });
}

// ---- DepthwiseConvGrad -------------------------------------------------------------------

Pads ReadPads(const OrtApi* api, const OrtKernelInfo* info, const char* op) {
  Pads p;
  size_t count = 0;
  OrtStatus* st = api->KernelInfoGetAttributeArray_int64(info, kPadsAttr, nullptr, &count);
  if (st != nullptr) {  // absent
    api->ReleaseStatus(st);
    return p;
  }
  std::vector<int64_t> v(count);
  if (count > 0) {
    st = api->KernelInfoGetAttributeArray_int64(info, kPadsAttr, v.data(), &count);
    if (st != nullptr) {
      p.error = std::string(op) + ": cannot read attribute 'pads': " + api->GetErrorMessage(st);
      api->ReleaseStatus(st);
      return p;
    }
  }
  if (v.size() != 4) {
    p.error = std::string(op) + ": attribute 'pads' must have 4 values (top, left, bottom, right), got " +
              std::to_string(v.size());
    return p;
  }
  for (int64_t x : v) {
    if (x < 0) {
      p.error = std::string(op) + ": attribute 'pads' must be >= 0, got " + ShapeText(v);
      return p;
    }
  }
  p.top = v[0];
  p.left = v[1];
  p.bottom = v[2];
  p.right = v[3];
  return p;
}

std::string CheckDepthwiseInputs(const Dims& dy, const Dims& x, const Dims& w, const Strides& s,
                                 const Pads& p, DepthwiseGeometry* g) {
  if (x.size() != 4) return "input X must be [N, C, H, W], got shape " + ShapeText(x);
  if (w.size() != 4) return "input W must be [C, 1, kH, kW], got shape " + ShapeText(w);
  if (dy.size() != 4) return "input dY must be [N, C, oH, oW], got shape " + ShapeText(dy);
  for (const Dims* d : {&x, &w, &dy}) {
    for (int64_t v : *d) {
      if (v < 0) return "shapes must not have negative dimensions: X " + ShapeText(x) + ", W " +
                        ShapeText(w) + ", dY " + ShapeText(dy);
    }
  }
  if (w[0] != x[1] || w[1] != 1) {
    return "input W must be [C, 1, kH, kW] with C = " + std::to_string(x[1]) +
           " (one filter per channel of X " + ShapeText(x) + "), got " + ShapeText(w);
  }
  if (w[2] < 1 || w[3] < 1) return "input W must have a kernel of at least 1x1, got " + ShapeText(w);
  int64_t bytes = 0;
  for (const Dims* d : {&x, &w, &dy}) {
    if (!CheckedProduct(d->data(), d->data() + d->size(), int64_t{sizeof(float)}, &bytes)) {
      return "input of shape " + ShapeText(*d) + " is too large: its size in bytes overflows int64";
    }
  }
  // Padded extents: bounded here, so every index the kernels form (at most padded extent) fits.
  int64_t ph = 0, pw = 0;
  if (__builtin_add_overflow(x[2], p.top, &ph) || __builtin_add_overflow(ph, p.bottom, &ph) ||
      __builtin_add_overflow(x[3], p.left, &pw) || __builtin_add_overflow(pw, p.right, &pw)) {
    return "pads " + ShapeText({p.top, p.left, p.bottom, p.right}) + " overflow with X " + ShapeText(x);
  }
  if (ph < w[2] || pw < w[3]) {
    return "the " + std::to_string(w[2]) + "x" + std::to_string(w[3]) + " kernel does not fit X " +
           ShapeText(x) + " with pads " + ShapeText({p.top, p.left, p.bottom, p.right});
  }
  g->n = x[0];
  g->c = x[1];
  g->h = x[2];
  g->w = x[3];
  g->kh = w[2];
  g->kw = w[3];
  g->sh = s.h;
  g->sw = s.w;
  g->pt = p.top;
  g->pl = p.left;
  g->pb = p.bottom;
  g->pr = p.right;
  g->oh = (ph - g->kh) / g->sh + 1;
  g->ow = (pw - g->kw) / g->sw + 1;
  const Dims want = {g->n, g->c, g->oh, g->ow};
  if (dy != want) {
    return "input dY must have the Conv's output shape " + ShapeText(want) + " (X " + ShapeText(x) +
           ", W " + ShapeText(w) + ", strides " + ShapeText({s.h, s.w}) + "), got " + ShapeText(dy);
  }
  return {};
}

void DepthwiseConvGradCpu::InferShapes(OrtShapeInferContext* raw) {
  try {
    Ort::ShapeInferContext ctx(&Ort::GetApi(), raw);
    if (ctx.GetInputCount() != 3) return;
    Ort::Status st = ctx.SetOutputShape(0, ctx.GetInputShape(1));
    if (st.IsOK()) st = ctx.SetOutputShape(1, ctx.GetInputShape(2));
  } catch (const std::exception&) {
    // Leave the outputs unset: the kernel reports the problem when it is created or run.
  }
}

std::string DepthwiseConvGradCpu::CheckKernelInfo(const OrtApi* api, const OrtKernelInfo* info) {
  const Strides s = ReadStrides(api, info, kName);
  if (!s.error.empty()) return s.error;
  const Pads p = ReadPads(api, info, kName);
  if (!p.error.empty()) return p.error;
  return WithOp(kName, CheckDeclared(info, {"dY", "X", "W"}, 3));
}

DepthwiseConvGradCpu::DepthwiseConvGradCpu(const OrtApi* api, const OrtKernelInfo* info)
    : strides_(ReadStrides(api, info, kName)), pads_(ReadPads(api, info, kName)) {}

Ort::Status DepthwiseConvGradCpu::Compute(OrtKernelContext* ctx, const InputTensor& dy,
                                          const InputTensor& x, const InputTensor& w,
                                          OutputTensor& dx, OutputTensor& dw) {
  if (!strides_.error.empty()) return Ort::Status(strides_.error.c_str(), ORT_INVALID_ARGUMENT);
  if (!pads_.error.empty()) return Ort::Status(pads_.error.c_str(), ORT_INVALID_ARGUMENT);
  if (!dy || !x || !w) return Fail(kName, "expects 3 inputs (dY, X, W)");
  DepthwiseGeometry g;
  const std::string bad = CheckDepthwiseInputs(dy.Shape(), x.Shape(), w.Shape(), strides_, pads_, &g);
  if (!bad.empty()) return Fail(kName, bad);
  float* gx = dx.Allocate(x.Shape());
  float* gw = dw.Allocate(w.Shape());
  if (g.c == 0) return Ort::Status(nullptr);
  if (g.n == 0 || g.h == 0 || g.w == 0) {  // nothing flows back: both gradients are zero
    std::fill(gw, gw + g.c * g.kh * g.kw, 0.0f);
    return Ort::Status(nullptr);
  }
  const float* gy = dy.Data();
  const float* in = x.Data();
  const float* filt = w.Data();
  const Isa isa = DetectIsa();
  // Tasks own whole channels (each dW entry is one task's sum, independent of the thread count).
  // Work per channel, saturated (it only sizes tasks): X and dY fit int64, a huge kernel times them may not.
  int64_t per_channel = 0;
  if (__builtin_mul_overflow(g.n * (g.h * g.w + g.oh * g.ow), g.kh * g.kw, &per_channel)) {
    per_channel = INT64_MAX;
  }
  return ParallelForRanges(ctx, g.c, per_channel, [&](int64_t begin, int64_t end) {
    std::vector<double> acc(static_cast<size_t>(g.kh * g.kw));
    std::vector<float> scratch(static_cast<size_t>(g.scratch_floats()));
    DepthwiseConvBackward(isa, g, gy, in, filt, gx, gw, acc.data(), scratch.data(), begin, end);
  });
}

// ---- BatchNormReluShiftTraining ----------------------------------------------------------

namespace {

// The checks both BN-ReLU-shift ops make on X, scale, B and shift (X [N, C, H, W], shift [C, 2]
// of finite values, scale and B [C]); fills g.
std::string CheckBnShiftInputs(const char* op, const InputTensor& x, const InputTensor& scale,
                               const InputTensor& bias, const InputTensor& shift, const Strides& s,
                               ShiftGeometry* g) {
  std::string bad = CheckForwardInputs(op, x.Shape(), shift.Shape(), s, g);
  if (bad.empty()) bad = PerChannel("scale", scale.Shape(), g->c, x.Shape());
  if (bad.empty()) bad = PerChannel("B", bias.Shape(), g->c, x.Shape());
  if (bad.empty()) bad = CheckShiftValues(op, shift.Data(), g->c);
  return bad;
}

}  // namespace

void BatchNormReluShiftTrainingCpu::InferShapes(OrtShapeInferContext* ctx) {
  InferShiftShapes(ctx, ShiftShapes{4, 0, 3, true, {1, 2}, -1});
}

std::string BatchNormReluShiftTrainingCpu::CheckKernelInfo(const OrtApi* api, const OrtKernelInfo* info) {
  const Epsilon e = ReadEpsilon(api, info, kName);
  if (!e.error.empty()) return e.error;
  const Strides s = ReadStrides(api, info, kName);
  if (!s.error.empty()) return s.error;
  return WithOp(kName, CheckDeclared(info, {"X", "scale", "B", "shift"}, 1, 3));
}

BatchNormReluShiftTrainingCpu::BatchNormReluShiftTrainingCpu(const OrtApi* api, const OrtKernelInfo* info)
    : eps_(ReadEpsilon(api, info, kName)), strides_(ReadStrides(api, info, kName)) {}

Ort::Status BatchNormReluShiftTrainingCpu::Compute(OrtKernelContext* ctx, const InputTensor& x,
                                                   const InputTensor& scale, const InputTensor& bias,
                                                   const InputTensor& shift, OutputTensor& y,
                                                   OutputTensor& mean, OutputTensor& var) {
  if (!eps_.error.empty()) return Ort::Status(eps_.error.c_str(), ORT_INVALID_ARGUMENT);
  if (!strides_.error.empty()) return Ort::Status(strides_.error.c_str(), ORT_INVALID_ARGUMENT);
  if (!x || !scale || !bias || !shift) return Fail(kName, "expects 4 inputs (X, scale, B, shift)");
  ShiftGeometry g;
  const std::string bad = CheckBnShiftInputs(kName, x, scale, bias, shift, strides_, &g);
  if (!bad.empty()) return Fail(kName, bad);

  float* out = y.Allocate({g.n, g.c, g.oh, g.ow});
  float* m = mean.Allocate({g.c});
  float* v = var.Allocate({g.c});
  if (g.c == 0) return Ort::Status(nullptr);
  if (g.empty()) {  // channels without values: mean 0 and var 0, as BatchNormTraining
    std::fill(m, m + g.c, 0.0f);
    std::fill(v, v + g.c, 0.0f);
    return Ort::Status(nullptr);
  }
  const float* in = x.Data();
  const float* sc = scale.Data();
  const float* b = bias.Data();
  const float* s = shift.Data();
  const Isa isa = DetectIsa();
  const float eps = eps_.value;
  return ParallelForChannelChunks(ctx, g.c, g.n * g.in_plane(), [&](int64_t begin, int64_t end) {
    std::vector<float> scratch(static_cast<size_t>(BnReluShiftScratchFloats(g, false)));
    BnReluShiftForward(isa, g, in, sc, b, eps, s, out, m, v, scratch.data(), begin, end);
  });
}

// ---- BatchNormReluShiftTrainingGrad ------------------------------------------------------

void BatchNormReluShiftTrainingGradCpu::InferShapes(OrtShapeInferContext* ctx) {
  InferShiftShapes(ctx, ShiftShapes{7, 1, 6, false, {1, 2}, 3});
}

std::string BatchNormReluShiftTrainingGradCpu::CheckKernelInfo(const OrtApi* api, const OrtKernelInfo* info) {
  const Epsilon e = ReadEpsilon(api, info, kName);
  if (!e.error.empty()) return e.error;
  const Strides s = ReadStrides(api, info, kName);
  if (!s.error.empty()) return s.error;
  return WithOp(kName, CheckDeclared(info, {"dY", "X", "scale", "B", "mean", "var", "shift"}, 2, 6));
}

BatchNormReluShiftTrainingGradCpu::BatchNormReluShiftTrainingGradCpu(const OrtApi* api,
                                                                     const OrtKernelInfo* info)
    : eps_(ReadEpsilon(api, info, kName)), strides_(ReadStrides(api, info, kName)) {}

Ort::Status BatchNormReluShiftTrainingGradCpu::Compute(
    OrtKernelContext* ctx, const InputTensor& dy, const InputTensor& x, const InputTensor& scale,
    const InputTensor& bias, const InputTensor& mean, const InputTensor& var, const InputTensor& shift,
    OutputTensor& dx, OutputTensor& dscale, OutputTensor& dbias, OutputTensor& dshift) {
  if (!eps_.error.empty()) return Ort::Status(eps_.error.c_str(), ORT_INVALID_ARGUMENT);
  if (!strides_.error.empty()) return Ort::Status(strides_.error.c_str(), ORT_INVALID_ARGUMENT);
  if (!dy || !x || !scale || !bias || !mean || !var || !shift) {
    return Fail(kName, "expects 7 inputs (dY, X, scale, B, mean, var, shift)");
  }
  ShiftGeometry g;
  std::string bad = CheckBnShiftInputs(kName, x, scale, bias, shift, strides_, &g);
  if (bad.empty()) bad = CheckGradInput(kName, dy.Shape(), g, strides_);
  if (bad.empty()) bad = PerChannel("mean", mean.Shape(), g.c, x.Shape());
  if (bad.empty()) bad = PerChannel("var", var.Shape(), g.c, x.Shape());
  if (bad.empty()) {
    const int64_t c = FirstInvalidVariance(var.Data(), eps_.value, g.c);
    if (c >= 0) {
      std::ostringstream os;
      os << "input 'var' of channel " << c << " is " << var.Data()[c]
         << ": var + epsilon must be a finite number > 0";
      bad = os.str();
    }
  }
  if (!bad.empty()) return Fail(kName, bad);

  float* gx = dx.Allocate({g.n, g.c, g.h, g.w});
  float* gs = dscale.Allocate({g.c});
  float* gb = dbias.Allocate({g.c});
  float* gsh = dshift.Allocate({g.c, 2});
  if (g.c == 0) return Ort::Status(nullptr);
  if (g.empty()) {  // nothing flows back: every gradient is zero
    std::fill(gs, gs + g.c, 0.0f);
    std::fill(gb, gb + g.c, 0.0f);
    std::fill(gsh, gsh + 2 * g.c, 0.0f);
    return Ort::Status(nullptr);
  }
  const float* gy = dy.Data();
  const float* in = x.Data();
  const float* sc = scale.Data();
  const float* b = bias.Data();
  const float* m = mean.Data();
  const float* v = var.Data();
  const float* s = shift.Data();
  const Isa isa = DetectIsa();
  const float eps = eps_.value;
  // Tasks own whole channels: each channel's sums are one task's, whatever the thread count.
  return ParallelForChannelChunks(ctx, g.c, g.n * g.in_plane(), [&](int64_t begin, int64_t end) {
    std::vector<float> scratch(static_cast<size_t>(BnReluShiftScratchFloats(g, true)));
    BnReluShiftBackward(isa, g, gy, in, sc, b, m, v, eps, s, gx, gs, gb, gsh, scratch.data(), begin, end);
  });
}

// ---- SgdMomentumUpdate -------------------------------------------------------------------

SgdAttributes ReadSgdAttributes(const OrtApi* api, const OrtKernelInfo* info, const char* op) {
  SgdAttributes a;
  a.value.momentum = ReadFloatOr(api, info, kMomentumAttr, 0.9f);
  a.value.weight_decay = ReadFloatOr(api, info, kWeightDecayAttr, 0.0f);
  const int64_t nesterov = ReadIntOr(api, info, kNesterovAttr, 0);
  std::ostringstream os;
  if (!std::isfinite(a.value.momentum)) {
    os << op << ": attribute 'momentum' must be a finite number, got " << a.value.momentum;
  } else if (!std::isfinite(a.value.weight_decay) || a.value.weight_decay < 0.0f) {
    os << op << ": attribute 'weight_decay' must be a finite number >= 0, got " << a.value.weight_decay;
  } else if (nesterov != 0 && nesterov != 1) {
    os << op << ": attribute 'nesterov' must be 0 or 1, got " << nesterov;
  }
  a.error = os.str();
  a.value.nesterov = nesterov == 1;
  return a;
}

void SgdMomentumUpdateCpu::InferShapes(OrtShapeInferContext* raw) {
  try {
    Ort::ShapeInferContext ctx(&Ort::GetApi(), raw);
    if (ctx.GetInputCount() != 4) return;
    const auto& p = ctx.GetInputShape(0);
    Ort::Status st = ctx.SetOutputShape(0, p);
    if (st.IsOK()) st = ctx.SetOutputShape(1, p);
  } catch (const std::exception&) {
    // Leave the outputs unset: the kernel reports the problem when it is created or run.
  }
}

std::string SgdMomentumUpdateCpu::CheckKernelInfo(const OrtApi* api, const OrtKernelInfo* info) {
  const SgdAttributes a = ReadSgdAttributes(api, info, kName);
  if (!a.error.empty()) return a.error;
  return WithOp(kName, CheckDeclared(info, {"P", "G", "V", "lr"}, 4));
}

SgdMomentumUpdateCpu::SgdMomentumUpdateCpu(const OrtApi* api, const OrtKernelInfo* info)
    : attrs_(ReadSgdAttributes(api, info, kName)) {}

Ort::Status SgdMomentumUpdateCpu::Compute(OrtKernelContext* ctx, const InputTensor& param,
                                          const InputTensor& grad, const InputTensor& momentum,
                                          const InputTensor& lr, OutputTensor& param_out,
                                          OutputTensor& momentum_out) {
  if (!attrs_.error.empty()) return Ort::Status(attrs_.error.c_str(), ORT_INVALID_ARGUMENT);
  if (!param || !grad || !momentum || !lr) return Fail(kName, "expects 4 inputs (P, G, V, lr)");
  const Dims& ps = param.Shape();
  std::string bad = SameShape("G", grad.Shape(), "P", ps);
  if (bad.empty()) bad = SameShape("V", momentum.Shape(), "P", ps);
  if (bad.empty() && lr.NumberOfElement() != 1) {
    bad = "input 'lr' must hold one value (shape [] or [1]), got shape " + ShapeText(lr.Shape());
  }
  if (bad.empty() && !std::isfinite(lr.Data()[0])) {
    std::ostringstream os;
    os << "input 'lr' must be a finite number, got " << lr.Data()[0];
    bad = os.str();
  }
  if (!bad.empty()) return Fail(kName, bad);
  float* p_out = param_out.Allocate(ps);
  float* v_out = momentum_out.Allocate(ps);
  const int64_t total = param.NumberOfElement();
  if (total == 0) return Ort::Status(nullptr);
  const float* p = param.Data();
  const float* g = grad.Data();
  const float* v = momentum.Data();
  const float rate = lr.Data()[0];
  const SgdSettings s = attrs_.value;
  return ParallelForRanges(ctx, total, 1, [&](int64_t begin, int64_t end) {
    SgdMomentumStep(s, p, g, v, rate, p_out, v_out, begin, end);
  });
}

}  // namespace asnet
