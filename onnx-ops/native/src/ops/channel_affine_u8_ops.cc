#include "channel_affine_u8_ops.h"

#include "asnet/channel_affine_u8.h"
#include "parallel.h"

namespace asnet {

namespace {

const char* Layout(bool nhwc) { return nhwc ? "[..., C] (channels last)" : "[N, C, ...]"; }

}  // namespace

ChannelAffineU8Attributes ReadChannelAffineU8Attributes(const OrtApi* api, const OrtKernelInfo* info, const char* op) {
  ChannelAffineU8Attributes a;
  const int64_t y_min = ReadIntOr(api, info, kYMinAttr, 0);
  if (y_min < 0 || y_min > 255) {
    a.error = std::string(op) + ": attribute 'y_min' must be in [0, 255], got " + std::to_string(y_min);
  }
  a.y_min = static_cast<int>(y_min);
  return a;
}

std::string CheckChannelAffineU8Inputs(bool nhwc, const std::vector<int64_t>& x, const std::vector<int64_t>& multiplier,
                                       const std::vector<int64_t>& offset, const std::vector<int64_t>& shift,
                                       int64_t* channels, int64_t* outer, int64_t* inner) {
  if (x.size() < 2) return std::string("input X must have rank >= 2 ") + Layout(nhwc) + ", got shape " + ShapeText(x);
  for (int64_t d : x) {
    if (d < 0) return "input X has a negative dimension: shape " + ShapeText(x);
  }
  const size_t axis = nhwc ? x.size() - 1 : 1;
  const int64_t c = x[axis];
  using Named = std::pair<const char*, const std::vector<int64_t>&>;
  for (const auto& [name, shape] : {Named{"multiplier", multiplier}, Named{"offset", offset}, Named{"shift", shift}}) {
    if (shape.size() != 1 || shape[0] != c) {
      return std::string("input '") + name + "' must have shape [C] = [" + std::to_string(c) + "] (X shape " +
             ShapeText(x) + ", layout " + Layout(nhwc) + "), got " + ShapeText(shape);
    }
  }
  int64_t bytes = 0;
  if (!CheckedProduct(x.data(), x.data() + x.size(), 1, &bytes)) {
    return "input X of shape " + ShapeText(x) + " is too large: its element count overflows int64";
  }
  *channels = c;
  if (bytes == 0) {
    *outer = *inner = 0;
  } else if (nhwc) {
    *inner = c;
    *outer = bytes / c;
  } else {
    *outer = x[0] * c;
    *inner = bytes / *outer;
  }
  return {};
}

template <bool kNhwc>
void ChannelAffineU8Cpu<kNhwc>::InferShapes(OrtShapeInferContext* raw) {
  try {
    Ort::ShapeInferContext ctx(&Ort::GetApi(), raw);
    if (ctx.GetInputCount() != 4) return;
    // An input of unknown rank (no shape inferred before this node) leaves Y unset: an empty shape
    // would declare Y a scalar, which the convs after it reject.
    const auto& x = ctx.GetInputShape(0);
    if (x.size() < 2) return;
    (void)ctx.SetOutputShape(0, x, ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8);
  } catch (const std::exception&) {
    // Leave the output unset: the kernel reports the problem when it is created or run.
  }
}

template <bool kNhwc>
std::string ChannelAffineU8Cpu<kNhwc>::CheckKernelInfo(const OrtApi* api, const OrtKernelInfo* info) {
  const ChannelAffineU8Attributes a = ReadChannelAffineU8Attributes(api, info, kName);
  if (!a.error.empty()) return a.error;
  try {
    Ort::ConstKernelInfo ki(info);
    if (ki.GetInputCount() != 4) {
      return std::string(kName) + ": expects 4 inputs (X, multiplier, offset, shift), got " +
             std::to_string(ki.GetInputCount());
    }
    auto declared = [&](size_t i) { return ki.GetInputTypeInfo(i).GetTensorTypeAndShapeInfo().GetShape(); };
    const auto x = declared(0);
    // A rank of 0 means the model did not declare a shape; -1 an unknown dimension.
    if (x.size() == 1) {
      return std::string(kName) + ": input X must have rank >= 2 " + Layout(kNhwc) + ", but the model declares " +
             ShapeText(x);
    }
    const int64_t c = x.size() >= 2 ? x[kNhwc ? x.size() - 1 : 1] : -1;
    const char* names[] = {"multiplier", "offset", "shift"};
    for (size_t i = 1; i < 4; ++i) {
      const auto d = declared(i);
      if (d.size() > 1 || (d.size() == 1 && c >= 0 && d[0] >= 0 && d[0] != c)) {
        return std::string(kName) + ": input '" + names[i - 1] + "' must have shape [C]" +
               (c >= 0 ? " = [" + std::to_string(c) + "]" : std::string()) + ", but the model declares " +
               ShapeText(d) + " (X declared " + ShapeText(x) + ")";
      }
    }
    return {};
  } catch (const std::exception& e) {
    return std::string(kName) + ": cannot read the declared input types: " + e.what();
  }
}

template <bool kNhwc>
ChannelAffineU8Cpu<kNhwc>::ChannelAffineU8Cpu(const OrtApi* api, const OrtKernelInfo* info)
    : attrs_(ReadChannelAffineU8Attributes(api, info, kName)) {}

template <bool kNhwc>
Ort::Status ChannelAffineU8Cpu<kNhwc>::Compute(OrtKernelContext* ctx, const InputTensor& x,
                                               const InputTensor& multiplier, const InputTensor& offset,
                                               const InputTensor& shift, OutputTensor& y) {
  if (!attrs_.error.empty()) return Ort::Status(attrs_.error.c_str(), ORT_INVALID_ARGUMENT);
  if (!x || !multiplier || !offset || !shift) return Fail(kName, "expects 4 inputs (X, multiplier, offset, shift)");
  int64_t channels = 0, outer = 0, inner = 0;
  std::string bad = CheckChannelAffineU8Inputs(kNhwc, x.Shape(), multiplier.Shape(), offset.Shape(), shift.Shape(),
                                               &channels, &outer, &inner);
  ChannelAffineU8Params p;
  if (bad.empty()) {
    p.multiplier = multiplier.DataAs<int32_t>();
    p.offset = offset.DataAs<int32_t>();
    p.shift = shift.DataAs<int32_t>();
    p.channels = channels;
    p.y_min = static_cast<uint8_t>(attrs_.y_min);
    bad = ChannelAffineU8Check(p);
  }
  if (!bad.empty()) return Fail(kName, bad);
  uint8_t* out = y.AllocateAs<uint8_t>(x.Shape());
  if (outer == 0 || inner == 0) return Ort::Status(nullptr);
  const uint8_t* in = x.DataAs<uint8_t>();
  const Isa isa = DetectIsa();
  // Tasks are runs of planes (NCHW) or pixels (channels-last), sized in bytes (BytesAsFloats);
  // each byte's value does not depend on the split.
  return ParallelForRanges(ctx, outer, BytesAsFloats(inner), [&](int64_t begin, int64_t end) {
    if (kNhwc) {
      ChannelAffineU8Pixels(isa, p, in, out, begin, end);
    } else {
      ChannelAffineU8Planes(isa, p, in, out, inner, begin, end);
    }
  });
}

template struct ChannelAffineU8Cpu<false>;
template struct ChannelAffineU8Cpu<true>;

}  // namespace asnet
