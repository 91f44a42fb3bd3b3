#include "active_shift_ops.h"

#include <algorithm>
#include <vector>

#include "asnet/active_shift.h"
#include "asnet/active_shift_nchwc.h"
#include "parallel.h"

namespace asnet {

ActiveShiftCpu::ActiveShiftCpu(const OrtApi* api, const OrtKernelInfo* info)
    : strides_(ReadStrides(api, info, kForwardOp)) {}

Ort::Status ActiveShiftCpu::Compute(OrtKernelContext* ctx, const InputTensor& x,
                                    const InputTensor& shift,
                                    OutputTensor& y) {
  if (!strides_.error.empty()) return Ort::Status(strides_.error.c_str(), ORT_INVALID_ARGUMENT);
  if (!x || !shift) return Fail(kForwardOp, "expects 2 inputs (X, shift)");
  ShiftGeometry g;
  std::string bad = CheckForwardInputs(kForwardOp, x.Shape(), shift.Shape(), strides_, &g);
  if (bad.empty()) bad = CheckShiftValues(kForwardOp, shift.Data(), g.c);
  if (!bad.empty()) return Fail(kForwardOp, bad);

  float* out = y.Allocate({g.n, g.c, g.oh, g.ow});
  // Empty tensors first: their size products need not fit int64 (e.g. [0, 1, 2^40, 2^40]).
  if (g.empty()) return Ort::Status(nullptr);
  const float* in = x.Data();
  const float* s = shift.Data();
  const Isa isa = DetectIsa();
  const int64_t per_task = std::max<int64_t>(1, kTaskFloats / std::max<int64_t>(1, g.out_plane()));
  const int64_t tasks = CeilDiv(g.planes(), per_task);
  auto work = [&](int64_t t) {
    const int64_t begin = t * per_task;
    ActiveShiftForward(isa, g, in, s, out, begin, std::min(g.planes(), begin + per_task));
  };
  return ParallelFor(ctx, tasks, work);
}

ActiveShiftGradCpu::ActiveShiftGradCpu(const OrtApi* api, const OrtKernelInfo* info)
    : strides_(ReadStrides(api, info, kGradOp)) {}

Ort::Status ActiveShiftGradCpu::Compute(OrtKernelContext* ctx,
                                        const InputTensor& dy,
                                        const InputTensor& x,
                                        const InputTensor& shift,
                                        OutputTensor& dx,
                                        OutputTensor& dshift) {
  if (!strides_.error.empty()) return Ort::Status(strides_.error.c_str(), ORT_INVALID_ARGUMENT);
  if (!dy || !x || !shift) return Fail(kGradOp, "expects 3 inputs (dY, X, shift)");
  ShiftGeometry g;
  std::string bad = CheckForwardInputs(kGradOp, x.Shape(), shift.Shape(), strides_, &g);
  if (bad.empty()) bad = CheckGradInput(kGradOp, dy.Shape(), g, strides_);
  if (bad.empty()) bad = CheckShiftValues(kGradOp, shift.Data(), g.c);
  if (!bad.empty()) return Fail(kGradOp, bad);

  float* dx_out = dx.Allocate({g.n, g.c, g.h, g.w});
  float* ds_out = dshift.Allocate({g.c, 2});
  if (g.c == 0) return Ort::Status(nullptr);
  if (g.empty()) {  // nothing flows back: the gradient is exactly zero
    std::fill(ds_out, ds_out + 2 * g.c, 0.0f);
    return Ort::Status(nullptr);
  }
  const float* gy = dy.Data();
  const float* in = x.Data();
  const float* s = shift.Data();
  const Isa isa = DetectIsa();
  // Tasks own whole channels, so each dShift entry is one task's double-precision sum: no
  // reduction between threads, and the result does not depend on the thread count.
  const int64_t per_channel = g.n * std::max(g.in_plane(), g.out_plane());
  const int64_t per_task = std::max<int64_t>(1, kTaskFloats / std::max<int64_t>(1, per_channel));
  const int64_t tasks = CeilDiv(g.c, per_task);
  auto work = [&](int64_t t) {
    const int64_t begin = t * per_task;
    std::vector<float> scratch(static_cast<size_t>(BackwardScratchFloats(g)));
    ActiveShiftBackward(isa, g, gy, in, s, dx_out, ds_out, scratch.data(), begin, std::min(g.c, begin + per_task));
  };
  return ParallelFor(ctx, tasks, work);
}

std::shared_ptr<const NchwcPlanCache::Entry> NchwcPlanCache::Get(Isa isa, const NchwcGeometry& g,
                                                                  const float* shift, std::string* error) {
  // Empty tensors have no plans (their sizes need not fit int64, and nothing is computed).
  const bool plannable = NchwcPlannable(g.block) && !g.g.empty();
  const PlanCache<NchwcBlockPlan>::Key key{g.g.c, g.g.h, g.g.w, g.g.sw, g.block};
  if (plannable) {
    std::shared_ptr<const Entry> hit = cache_.Find(key, shift);
    if (hit != nullptr) return hit;  // the same bytes passed CheckShiftValues when cached
  }
  *error = CheckShiftValues(kNchwcOp, shift, g.g.c);
  if (!error->empty() || !plannable) return nullptr;
  // C > 0 here (non-empty); 2*C floats are in memory, so the sizes fit.
  return cache_.Build(key, shift, static_cast<size_t>(2 * g.g.c), static_cast<size_t>(g.blocks),
                      [&](const float* s, NchwcBlockPlan* plans) { ActiveShiftNchwcMakePlans(isa, g, s, plans); });
}

void ActiveShiftNchwcCpu::InferShapes(OrtShapeInferContext* ctx) {
  // The blocked tensor has ActiveShift's logical rank-4 shape with Cp channels, and the output
  // sizes follow the same rule.
  asnet::InferShapes(ctx, false);
}

std::string ActiveShiftNchwcCpu::CheckKernelInfo(const OrtApi* api, const OrtKernelInfo* info) {
  std::string error = ReadStrides(api, info, kNchwcOp).error;
  if (!error.empty()) return error;
  const BlockSize block = ReadBlockSize(api, info, kNchwcOp);
  if (!block.error.empty()) return block.error;
  const std::string bad = CheckDeclaredNchwcInputs(info, block.value);
  return bad.empty() ? bad : std::string(kNchwcOp) + ": " + bad;
}

ActiveShiftNchwcCpu::ActiveShiftNchwcCpu(const OrtApi* api, const OrtKernelInfo* info)
    : strides_(ReadStrides(api, info, kNchwcOp)), block_(ReadBlockSize(api, info, kNchwcOp)) {}

Ort::Status ActiveShiftNchwcCpu::Compute(OrtKernelContext* ctx, const InputTensor& x,
                                         const InputTensor& shift, OutputTensor& y) {
  if (!strides_.error.empty()) return Ort::Status(strides_.error.c_str(), ORT_INVALID_ARGUMENT);
  if (!block_.error.empty()) return Ort::Status(block_.error.c_str(), ORT_INVALID_ARGUMENT);
  if (!x || !shift) return Fail(kNchwcOp, "expects 2 inputs (X, shift)");
  NchwcGeometry g;
  std::string bad = CheckNchwcInputs(x.Shape(), shift.Shape(), strides_, block_.value, &g);
  if (!bad.empty()) return Fail(kNchwcOp, bad);
  const float* s = shift.Data();
  const Isa isa = DetectIsa();
  const std::shared_ptr<const NchwcPlanCache::Entry> plan = plans_.Get(isa, g, s, &bad);
  if (!bad.empty()) return Fail(kNchwcOp, bad);

  float* out = y.Allocate({g.g.n, g.padded_channels(), g.g.oh, g.g.ow});
  if (g.g.empty()) return Ort::Status(nullptr);  // also C = 0; sizes may not fit int64
  const float* in = x.Data();
  const NchwcBlockPlan* plans = plan != nullptr ? plan->plans.data() : nullptr;
  // Tasks are runs of output rows (one row: OW pixel-blocks of one (n, channel block)): whole
  // block planes for small maps, parts of one for large maps. A row's values do not depend on the
  // split, so results are the same for every thread count.
  return ParallelForRanges(ctx, g.rows(), g.g.ow * g.block, [&](int64_t begin, int64_t end) {
    ActiveShiftNchwcForward(isa, g, in, s, out, begin, end, plans);
  });
}

}  // namespace asnet
