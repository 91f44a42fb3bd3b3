// The fused BN-ReLU-shift training kernels (asnet/bn_relu_shift.h) of every compiled instruction
// set against the separate kernels they fuse (BatchNormTraining with relu, then ActiveShift;
// backward ActiveShiftGrad, then BatchNormReluTrainingGrad), which are tested against their
// double-precision references elsewhere. The fused kernels do the same arithmetic in the same
// order, so every output must be bit-identical: a tolerance would hide a changed order.
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "asnet/batch_norm.h"
#include "asnet/bn_relu_shift.h"
#include "test_util.h"

namespace {

using asnet_test::AvailableIsas;
using asnet_test::failures;

bool SameBits(const std::vector<float>& a, const std::vector<float>& b, size_t* at) {
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::memcmp(&a[i], &b[i], sizeof(float)) != 0) {
      *at = i;
      return false;
    }
  }
  return true;
}

struct Case {
  int64_t n, c, h, w, sh, sw;
  float shift_range;  // shifts uniform in [-range, range]
};

void CheckCase(asnet::Isa isa, const Case& k, uint32_t seed) {
  const char* name = asnet::IsaName(isa);
  const asnet::ShiftGeometry g = asnet::ShiftGeometry::Make(k.n, k.c, k.h, k.w, k.sh, k.sw);
  const asnet::ChannelGeometry cg{g.n, g.c, g.h * g.w};
  const size_t in_size = static_cast<size_t>(g.n * g.c * g.h * g.w);
  const size_t out_size = static_cast<size_t>(g.n * g.c * g.oh * g.ow);
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  std::uniform_real_distribution<float> uni(-1.0f, 1.0f);
  std::vector<float> x(in_size), dy(out_size), scale(g.c), bias(g.c), shift(2 * g.c);
  for (auto& v : x) v = 2.0f + 3.0f * normal(rng);
  for (auto& v : dy) v = normal(rng);
  for (int64_t c = 0; c < g.c; ++c) {
    scale[c] = c % 3 == 2 ? -0.7f : 0.5f + uni(rng) * 0.4f;  // a negative scale flips the ReLU's side
    bias[c] = 0.3f * uni(rng);
    shift[2 * c] = k.shift_range * uni(rng);
    shift[2 * c + 1] = c % 4 == 1 ? std::round(k.shift_range * uni(rng)) : k.shift_range * uni(rng);
  }
  const float eps = 1e-5f;
  // The separate ops.
  std::vector<float> act(in_size), y_ref(out_size), mean_ref(g.c), var_ref(g.c);
  asnet::BatchNormTrainingForward(isa, cg, x.data(), scale.data(), bias.data(), eps, true, act.data(),
                                  mean_ref.data(), var_ref.data(), 0, g.c);
  asnet::ActiveShiftForward(isa, g, act.data(), shift.data(), y_ref.data(), 0, g.planes());
  std::vector<float> gact(in_size), dshift_ref(2 * g.c), shift_scratch(static_cast<size_t>(g.h * g.w));
  asnet::ActiveShiftBackward(isa, g, dy.data(), act.data(), shift.data(), gact.data(), dshift_ref.data(),
                             shift_scratch.data(), 0, g.c);
  std::vector<float> dx_ref(in_size), ds_ref(g.c), db_ref(g.c);
  asnet::BatchNormTrainingBackward(isa, cg, gact.data(), x.data(), scale.data(), bias.data(), mean_ref.data(),
                                   var_ref.data(), eps, dx_ref.data(), ds_ref.data(), db_ref.data(), 0, g.c);
  // The fused ops, over two channel ranges (as two tasks would run them).
  std::vector<float> y(out_size, NAN), mean(g.c, NAN), var(g.c, NAN);
  std::vector<float> fwd_scratch(static_cast<size_t>(asnet::BnReluShiftScratchFloats(g, false)));
  std::vector<float> bwd_scratch(static_cast<size_t>(asnet::BnReluShiftScratchFloats(g, true)));
  const int64_t cut = g.c / 2;
  for (auto [b, e] : {std::pair<int64_t, int64_t>{0, cut}, {cut, g.c}}) {
    asnet::BnReluShiftForward(isa, g, x.data(), scale.data(), bias.data(), eps, shift.data(), y.data(),
                              mean.data(), var.data(), fwd_scratch.data(), b, e);
  }
  std::vector<float> dx(in_size, NAN), ds(g.c, NAN), db(g.c, NAN), dshift(2 * g.c, NAN);
  for (auto [b, e] : {std::pair<int64_t, int64_t>{0, cut}, {cut, g.c}}) {
    asnet::BnReluShiftBackward(isa, g, dy.data(), x.data(), scale.data(), bias.data(), mean.data(), var.data(),
                               eps, shift.data(), dx.data(), ds.data(), db.data(), dshift.data(),
                               bwd_scratch.data(), b, e);
  }
  size_t at = 0;
  const auto shape = [&] {
    static char buf[128];
    std::snprintf(buf, sizeof buf, "%s [%lld,%lld,%lld,%lld] strides %lld,%lld", name, (long long)k.n,
                  (long long)k.c, (long long)k.h, (long long)k.w, (long long)k.sh, (long long)k.sw);
    return buf;
  };
  CHECK(SameBits(mean, mean_ref, &at) && SameBits(var, var_ref, &at), "%s: statistics differ at channel %zu",
        shape(), at);
  CHECK(SameBits(y, y_ref, &at), "%s: Y[%zu] %.9g vs separate ops %.9g", shape(), at, y[at], y_ref[at]);
  CHECK(SameBits(dx, dx_ref, &at), "%s: dX[%zu] %.9g vs separate ops %.9g", shape(), at, dx[at], dx_ref[at]);
  CHECK(SameBits(ds, ds_ref, &at), "%s: dscale[%zu] %.9g vs %.9g", shape(), at, ds[at], ds_ref[at]);
  CHECK(SameBits(db, db_ref, &at), "%s: dB[%zu] %.9g vs %.9g", shape(), at, db[at], db_ref[at]);
  CHECK(SameBits(dshift, dshift_ref, &at), "%s: dshift[%zu] %.9g vs %.9g", shape(), at, dshift[at],
        dshift_ref[at]);
}

void TestFusedMatchesSeparateOps() {
  const Case cases[] = {
      {1, 1, 1, 1, 1, 1, 1.5f},   {2, 3, 5, 7, 1, 1, 2.5f},   {3, 4, 8, 8, 1, 1, 1.0f},
      {2, 5, 7, 7, 1, 1, 3.3f},   {4, 6, 14, 14, 1, 1, 2.0f}, {2, 3, 16, 17, 1, 1, 4.7f},
      {2, 4, 28, 28, 1, 1, 3.3f}, {1, 2, 33, 19, 1, 1, 6.0f}, {3, 4, 14, 14, 2, 2, 2.0f},
      {2, 3, 9, 11, 2, 1, 1.5f},  {2, 3, 10, 7, 1, 3, 2.5f},  {1, 5, 28, 28, 2, 2, 3.0f},
      {2, 2, 3, 3, 5, 5, 1.0f},   {2, 3, 1, 9, 1, 1, 2.0f},   {64, 2, 7, 7, 1, 1, 2.0f},
  };
  uint32_t seed = 101;
  for (asnet::Isa isa : AvailableIsas()) {
    for (const Case& k : cases) {
      CheckCase(isa, k, seed++);
      if (failures) return;
    }
  }
}

}  // namespace

void RunBnReluShiftTests() { TestFusedMatchesSeparateOps(); }
