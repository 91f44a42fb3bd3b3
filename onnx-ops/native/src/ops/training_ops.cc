#include "training_ops.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <vector>

#include "asnet/batch_norm.h"
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
// where the model declares one.
std::string CheckDeclared(const OrtKernelInfo* info, const std::vector<const char*>& inputs,
                          size_t first_per_channel) {
  try {
    Ort::ConstKernelInfo ki(info);
    if (ki.GetInputCount() != inputs.size()) {
      std::string names;
      for (size_t i = 0; i < inputs.size(); ++i) names += std::string(i ? ", " : "") + inputs[i];
      return "expects " + std::to_string(inputs.size()) + " inputs (" + names + "), got " +
             std::to_string(ki.GetInputCount());
    }
    for (size_t i = first_per_channel; i < inputs.size(); ++i) {
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
    if (ctx.GetInputCount() != inputs) return;
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
  float v = 0.0f;
  OrtStatus* st = api->KernelInfoGetAttribute_float(info, kEpsilonAttr, &v);
  if (st != nullptr) {  // absent
    api->ReleaseStatus(st);
    return e;
  }
  if (!std::isfinite(v) || !(v > 0.0f)) {
    std::ostringstream os;
    os << op << ": attribute 'epsilon' must be a finite number > 0, got " << v;
    e.error = os.str();
    return e;
  }
  e.value = v;
  return e;
}

// ---- BatchNormTraining -------------------------------------------------------------------

void BatchNormTrainingCpu::InferShapes(OrtShapeInferContext* ctx) { InferLike(ctx, 3, 0, 0, {1, 2}); }

std::string BatchNormTrainingCpu::CheckKernelInfo(const OrtApi* api, const OrtKernelInfo* info) {
  const Epsilon e = ReadEpsilon(api, info, kName);
  if (!e.error.empty()) return e.error;
  return WithOp(kName, CheckDeclared(info, {"X", "scale", "B"}, 1));
}

BatchNormTrainingCpu::BatchNormTrainingCpu(const OrtApi* api, const OrtKernelInfo* info)
    : eps_(ReadEpsilon(api, info, kName)) {}

Ort::Status BatchNormTrainingCpu::Compute(OrtKernelContext* ctx, const InputTensor& x,
                                          const InputTensor& scale,
                                          const InputTensor& bias,
                                          OutputTensor& y, OutputTensor& mean,
                                          OutputTensor& var) {
  if (!eps_.error.empty()) return Ort::Status(eps_.error.c_str(), ORT_INVALID_ARGUMENT);
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
  return ParallelForRanges(ctx, g.c, g.count(), [&](int64_t begin, int64_t end) {
    BatchNormTrainingForward(isa, g, in, sc, b, eps, out, m, v, begin, end);
  });
}

// ---- BatchNormTrainingGrad ---------------------------------------------------------------

void BatchNormTrainingGradCpu::InferShapes(OrtShapeInferContext* ctx) { InferLike(ctx, 5, 1, 0, {1, 2}); }

std::string BatchNormTrainingGradCpu::CheckKernelInfo(const OrtApi* api, const OrtKernelInfo* info) {
  const Epsilon e = ReadEpsilon(api, info, kName);
  if (!e.error.empty()) return e.error;
  return WithOp(kName, CheckDeclared(info, {"dY", "X", "scale", "mean", "var"}, 2));
}

BatchNormTrainingGradCpu::BatchNormTrainingGradCpu(const OrtApi* api, const OrtKernelInfo* info)
    : eps_(ReadEpsilon(api, info, kName)) {}

Ort::Status BatchNormTrainingGradCpu::Compute(
    OrtKernelContext* ctx, const InputTensor& dy, const InputTensor& x,
    const InputTensor& scale, const InputTensor& mean,
    const InputTensor& var, OutputTensor& dx,
    OutputTensor& dscale, OutputTensor& dbias) {
  if (!eps_.error.empty()) return Ort::Status(eps_.error.c_str(), ORT_INVALID_ARGUMENT);
  if (!dy || !x || !scale || !mean || !var) return Fail(kName, "expects 5 inputs (dY, X, scale, mean, var)");
  ChannelGeometry g;
  const Dims& xs = x.Shape();
  std::string bad = CheckChannelShape(xs, &g);
  if (bad.empty()) bad = SameShape("dY", dy.Shape(), "X", xs);
  if (bad.empty()) bad = PerChannel("scale", scale.Shape(), g.c, xs);
  if (bad.empty()) bad = PerChannel("mean", mean.Shape(), g.c, xs);
  if (bad.empty()) bad = PerChannel("var", var.Shape(), g.c, xs);
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

  float* gx = dx.Allocate(xs);
  float* gs = dscale.Allocate({g.c});
  float* gb = dbias.Allocate({g.c});
  if (g.c == 0) return Ort::Status(nullptr);
  const float* gy = dy.Data();
  const float* in = x.Data();
  const float* sc = scale.Data();
  const float* m = mean.Data();
  const float* v = var.Data();
  const Isa isa = DetectIsa();
  const float eps = eps_.value;
  return ParallelForRanges(ctx, g.c, 2 * g.count(), [&](int64_t begin, int64_t end) {
    BatchNormTrainingBackward(isa, g, gy, in, sc, m, v, eps, gx, gs, gb, begin, end);
  });
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

}  // namespace asnet
