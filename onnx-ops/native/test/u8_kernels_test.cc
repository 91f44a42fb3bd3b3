// Native tests of the uint8 ActiveShift kernels (NCHW and channels-last), every compiled kernel
// table, against a plain scalar reference of the rounding rule in asnet/active_shift_u8.h: the
// bytes must be identical. Also: agreement within one step with the float kernel on the
// dequantized tensor, independence from how rows are split, and a fuzz of odd geometries (run
// under AddressSanitizer by the Maven build, so a read past a tensor fails).
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "asnet/active_shift.h"
#include "asnet/active_shift_u8.h"
#include "ops/active_shift_u8_ops.h"
#include "test_util.h"

namespace {

using asnet::Isa;
using asnet::ShiftGeometry;
using asnet_test::AvailableIsas;
using asnet_test::failures;

// The rule, written from its definition (not from the kernels' helpers): one output byte.
// Integer weights from the fractions rounded to 2^-14 (half up), rows summing to 2^14 - Y and Y,
// y = (sum of weight * tap + 2^13) >> 14 with taps outside the image reading the zero point.
uint8_t ReferenceAt(const std::vector<uint8_t>& x, int64_t n, int64_t c, int64_t i, int64_t j,
                    int64_t C, int64_t H, int64_t W, int64_t sh, int64_t sw, float sx, float sy, int zp) {
  auto axis = [](float s, int64_t extent, int64_t* base) -> int64_t {
    const float lim = static_cast<float>(2 * extent + 2);
    const float v = std::fmin(std::fmax(s, -lim), lim);
    const float f = std::floor(v);
    *base = static_cast<int64_t>(f);
    const float frac = v - f;
    // frac * 16384 is exact; round half up, exactly, in double.
    return static_cast<int64_t>(std::floor(static_cast<double>(frac * 16384.0f) + 0.5));
  };
  int64_t bx, by;
  const int64_t X = axis(sx, W, &bx), Y = axis(sy, H, &by);
  const int64_t w00 = ((16384 - X) * (16384 - Y) + 8192) / 16384;  // nonnegative: / is floor
  const int64_t w01 = (16384 - Y) - w00;
  const int64_t w10 = ((16384 - X) * Y + 8192) / 16384;
  const int64_t w11 = Y - w10;
  auto q = [&](int64_t r, int64_t col) -> int64_t {
    if (r < 0 || r >= H || col < 0 || col >= W) return zp;
    return x[((n * C + c) * H + r) * W + col];
  };
  const int64_t r = i * sh + by, col = j * sw + bx;
  const int64_t sum = w00 * q(r, col) + w01 * q(r, col + 1) + w10 * q(r + 1, col) + w11 * q(r + 1, col + 1);
  const int64_t v = (sum + 8192) / 16384;
  if (w01 < 0 || w11 < 0 || v < 0 || v > 255) {  // the proof in asnet/active_shift_u8.h says never
    std::fprintf(stderr, "u8 reference: out of range (w01 %lld, w11 %lld, y %lld)\n", (long long)w01,
                 (long long)w11, (long long)v);
    std::abort();
  }
  return static_cast<uint8_t>(v);
}

// kTies: x shifts in halves (X = 2^13: the weight products Ax * Ay tie at 2^13 mod 2^14 for odd
// Ay) and y shifts at odd multiples of 2^-15 (the fraction's own rounding ties).
enum class Kind { kUniform1, kUniform47, kIntegers, kHalves, kBeyond, kNegative, kTies };
const char* Name(Kind k) {
  switch (k) {
    case Kind::kUniform1: return "U(-1,1)";
    case Kind::kUniform47: return "U(-4.7,4.7)";
    case Kind::kIntegers: return "integers";
    case Kind::kHalves: return "halves";
    case Kind::kBeyond: return "beyond";
    case Kind::kNegative: return "negative";
    case Kind::kTies: return "ties";
  }
  return "?";
}

std::vector<float> Shifts(Kind k, int64_t c, std::mt19937& rng) {
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> s(2 * c);
  for (int64_t i = 0; i < 2 * c; ++i) {
    switch (k) {
      case Kind::kUniform1: s[i] = u(rng); break;
      case Kind::kUniform47: s[i] = 4.7f * u(rng); break;
      case Kind::kIntegers: s[i] = std::round(3.0f * u(rng)); break;
      case Kind::kHalves: s[i] = 0.5f * std::round(6.0f * u(rng)); break;  // ties in the sums
      case Kind::kBeyond: s[i] = (i % 3 == 0) ? (u(rng) > 0 ? 1e30f : -1e6f) : 2.0f * u(rng); break;
      case Kind::kNegative: s[i] = -std::fabs(2.5f * u(rng)); break;
      case Kind::kTies:
        s[i] = i % 2 == 0 ? 0.5f * std::round(6.0f * u(rng))
                          : static_cast<float>(2 * static_cast<int>(std::floor(3.0f * 16384.0f * u(rng))) + 1) / 32768.0f;
        break;
    }
  }
  return s;
}

// X in NCHW and its channels-last copy.
std::vector<uint8_t> ToNhwc(const std::vector<uint8_t>& x, int64_t N, int64_t C, int64_t H, int64_t W) {
  std::vector<uint8_t> t(x.size());
  for (int64_t n = 0; n < N; ++n)
    for (int64_t c = 0; c < C; ++c)
      for (int64_t h = 0; h < H; ++h)
        for (int64_t w = 0; w < W; ++w) t[((n * H + h) * W + w) * C + c] = x[((n * C + c) * H + h) * W + w];
  return t;
}

struct Case {
  int64_t n, c, h, w, sh, sw;
  Kind kind;
  int zp;
  uint32_t seed;
  bool extremes = false;  // pixel values only 0 and 255 (largest differences)
};

void RunCase(const Case& k, bool splits) {
  std::mt19937 rng(k.seed);
  std::uniform_int_distribution<int> byte(0, 255);
  const ShiftGeometry g = ShiftGeometry::Make(k.n, k.c, k.h, k.w, k.sh, k.sw);
  std::vector<uint8_t> x(static_cast<size_t>(k.n * k.c * k.h * k.w));
  for (auto& v : x) v = static_cast<uint8_t>(k.extremes ? (byte(rng) & 1) * 255 : byte(rng));
  const std::vector<float> s = Shifts(k.kind, k.c, rng);
  const std::vector<uint8_t> xt = ToNhwc(x, k.n, k.c, k.h, k.w);
  std::vector<uint8_t> want(static_cast<size_t>(k.n * k.c * g.oh * g.ow));
  for (int64_t n = 0; n < k.n; ++n)
    for (int64_t c = 0; c < k.c; ++c)
      for (int64_t i = 0; i < g.oh; ++i)
        for (int64_t j = 0; j < g.ow; ++j)
          want[((n * k.c + c) * g.oh + i) * g.ow + j] =
              ReferenceAt(x, n, c, i, j, k.c, k.h, k.w, k.sh, k.sw, s[2 * c], s[2 * c + 1], k.zp);
  const std::vector<uint8_t> want_t = ToNhwc(want, k.n, k.c, g.oh, g.ow);
  std::vector<asnet::NhwcU8ChunkPlan> plans(static_cast<size_t>(asnet::NhwcU8Chunks(k.c)));
  asnet::ActiveShiftNhwcU8MakePlans(g, s.data(), plans.data());
  for (Isa isa : AvailableIsas()) {
    // Output buffers start at a value the kernels never leave behind unnoticed (both 0 and 255
    // are valid outputs, so two fills are compared).
    for (int fill : {0x5A, 0xA5}) {
      std::vector<uint8_t> y(want.size(), static_cast<uint8_t>(fill)), yt(want.size(), static_cast<uint8_t>(fill));
      if (!g.empty()) {
        // Exactly the scratch the kernel asks for, so ASan catches a write past it.
        std::vector<uint8_t> scratch(static_cast<size_t>(asnet::ActiveShiftU8ScratchBytes(g)));
        std::vector<uint8_t> nscratch(static_cast<size_t>(asnet::ActiveShiftNhwcU8ScratchBytes(g)));
        if (splits) {  // one call per plane / row: results must not depend on the split
          for (int64_t p = 0; p < g.planes(); ++p) {
            asnet::ActiveShiftU8Forward(isa, g, x.data(), s.data(), k.zp, y.data(), p, p + 1, scratch.data());
          }
          for (int64_t r = 0; r < k.n * g.oh; ++r) {
            asnet::ActiveShiftNhwcU8Forward(isa, g, xt.data(), plans.data(), k.zp, yt.data(), r, r + 1, nscratch.data());
          }
        } else {
          asnet::ActiveShiftU8Forward(isa, g, x.data(), s.data(), k.zp, y.data(), 0, g.planes(), scratch.data());
          // Ranges that start and end inside images (rows 1.. of image 0 to the end), then the rest.
          const int64_t rows = k.n * g.oh, mid = rows > 1 ? 1 : 0;
          asnet::ActiveShiftNhwcU8Forward(isa, g, xt.data(), plans.data(), k.zp, yt.data(), mid, rows, nscratch.data());
          asnet::ActiveShiftNhwcU8Forward(isa, g, xt.data(), plans.data(), k.zp, yt.data(), 0, mid, nscratch.data());
        }
      }
      for (size_t e = 0; e < want.size(); ++e) {
        CHECK(y[e] == want[e], "u8 NCHW %s [%lld,%lld,%lld,%lld] strides %lld,%lld %s zp %d: element %zu is %d, want %d",
              asnet::IsaName(isa), (long long)k.n, (long long)k.c, (long long)k.h, (long long)k.w, (long long)k.sh,
              (long long)k.sw, Name(k.kind), k.zp, e, y[e], want[e]);
        CHECK(yt[e] == want_t[e], "u8 NHWC %s [%lld,%lld,%lld,%lld] strides %lld,%lld %s zp %d: element %zu is %d, want %d",
              asnet::IsaName(isa), (long long)k.n, (long long)k.c, (long long)k.h, (long long)k.w, (long long)k.sh,
              (long long)k.sw, Name(k.kind), k.zp, e, yt[e], want_t[e]);
      }
    }
  }
}

void TestSweep() {
  uint32_t seed = 1;
  int cases = 0;
  const int64_t shapes[][4] = {{1, 1, 1, 1},  {1, 3, 1, 7},  {2, 16, 5, 6}, {1, 17, 8, 3},  {1, 33, 7, 7},
                               {2, 48, 9, 10}, {1, 5, 16, 19}, {1, 32, 2, 40}, {0, 4, 3, 3}, {1, 0, 3, 3},
                               {1, 4, 0, 3},   {1, 4, 3, 0},
                               // the AVX-512 kernel's wide chunks (64 channels) and column tiles (32)
                               {1, 64, 3, 33}, {1, 80, 5, 70}, {1, 130, 4, 37}, {2, 192, 3, 7}};
  const Kind kinds[] = {Kind::kUniform1, Kind::kUniform47, Kind::kIntegers, Kind::kHalves,
                        Kind::kBeyond,   Kind::kNegative,  Kind::kTies};
  for (const auto& sh : shapes) {
    for (int64_t stride : {1, 2, 3}) {
      for (Kind kind : kinds) {
        for (int zp : {0, 128, 255}) {
          const bool extremes = (seed % 4) == 0;
          RunCase({sh[0], sh[1], sh[2], sh[3], stride, stride == 3 ? 1 : stride, kind, zp, seed++, extremes}, seed % 7 == 0);
          ++cases;
          if (failures) return;
        }
      }
    }
  }
  std::printf("  u8 sweep: %d cases x %zu ISAs, NCHW and NHWC exact\n", cases, AvailableIsas().size());
}

// Against the float kernel on the dequantized tensor (an independent path): within one step.
void TestAgainstFloatKernel() {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> byte(0, 255);
  const int64_t N = 2, C = 24, H = 9, W = 11;
  for (int zp : {0, 128, 255}) {
    const float scale = 0.037f;
    const ShiftGeometry g = ShiftGeometry::Make(N, C, H, W, 1, 1);
    std::vector<uint8_t> x(N * C * H * W);
    for (auto& v : x) v = static_cast<uint8_t>(byte(rng));
    const std::vector<float> s = Shifts(Kind::kUniform47, C, rng);
    std::vector<float> xf(x.size()), yf(x.size());
    for (size_t e = 0; e < x.size(); ++e) xf[e] = (static_cast<int>(x[e]) - zp) * scale;
    asnet::ActiveShiftForward(Isa::kSse2, g, xf.data(), s.data(), yf.data(), 0, g.planes());
    std::vector<uint8_t> y(x.size()), scratch(static_cast<size_t>(asnet::ActiveShiftU8ScratchBytes(g)));
    asnet::ActiveShiftU8Forward(asnet::DetectIsa(), g, x.data(), s.data(), static_cast<uint8_t>(zp), y.data(), 0,
                                g.planes(), scratch.data());
    for (size_t e = 0; e < y.size(); ++e) {
      const double q = std::fmin(255.0, std::fmax(0.0, std::nearbyint(yf[e] / scale) + zp));
      CHECK(std::fabs(q - y[e]) <= 1.0, "u8 vs float kernel, zp %d: element %zu is %d, float gives %.0f", zp, e, y[e], q);
    }
  }
}

// The integer weights of every lane of the channels-last plans: each in [0, 2^14], summing to
// exactly 2^14 (0 in unused lanes), for fractions at the edges: 0, ties of the 2^-14 rounding, a
// fraction that rounds to 1 (a tiny negative shift: v - floor(v) = 1 in float32) and just below 1.
void TestWeights() {
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> u(-3.0f, 3.0f);
  const float special[] = {0.0f, -0.0f, 1.0f, -1e-30f, 1e-30f, -1e-7f, 1.0f - 1.0f / 32768.0f, 1.0f / 32768.0f,
                           3.0f / 32768.0f, 0.5f, -0.5f, 0.99999994f, -0.99999994f, 1e30f, -1e30f};
  const int64_t C = 37;  // three chunks, the last with 5 lanes
  int checked = 0;
  for (int round = 0; round < 200 && !failures; ++round) {
    std::vector<float> s(2 * C);
    for (auto& v : s) v = round < 20 ? special[rng() % (sizeof(special) / sizeof(special[0]))] : u(rng);
    const ShiftGeometry g = ShiftGeometry::Make(1, C, 5, 6, 1, 1);
    std::vector<asnet::NhwcU8ChunkPlan> plans(static_cast<size_t>(asnet::NhwcU8Chunks(C)));
    asnet::ActiveShiftNhwcU8MakePlans(g, s.data(), plans.data());
    for (size_t k = 0; k < plans.size(); ++k) {
      for (int l = 0; l < asnet::NhwcU8ChunkPlan::kLanes; ++l) {
        const int w[4] = {plans[k].w[0][2 * l], plans[k].w[0][2 * l + 1], plans[k].w[1][2 * l], plans[k].w[1][2 * l + 1]};
        const bool used = l < plans[k].lanes;
        const int sum = w[0] + w[1] + w[2] + w[3];
        bool ok = sum == (used ? 16384 : 0);
        for (int t = 0; t < 4; ++t) ok = ok && w[t] >= 0 && w[t] <= 16384;
        CHECK(ok, "u8 weights of chunk %zu lane %d (shift %g, %g): %d %d %d %d, sum %d", k, l,
              used ? s[2 * (16 * k + l)] : 0.0, used ? s[2 * (16 * k + l) + 1] : 0.0, w[0], w[1], w[2], w[3], sum);
        ++checked;
      }
    }
  }
  std::printf("  u8 weights: %d lanes in [0, 2^14], summing to 2^14\n", checked);
}

// Against the exact bilinear value (double, at ActiveShift's float32 fractions, taps outside the
// image reading the zero point): within the bound of asnet/active_shift_u8.h, 1/2 + 4 * 255 / 2^15
// steps. Pixels only 0 and 255 on half the images: the largest slopes, where the bound is tight.
void TestErrorBound() {
  std::mt19937 rng(23);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_real_distribution<float> u(-2.5f, 2.5f);
  const int64_t N = 1, C = 40, H = 7, W = 9;
  const double bound = 0.5 + 4.0 * 255.0 / 32768.0;
  double worst = 0.0;
  for (int round = 0; round < 40 && !failures; ++round) {
    const int zp = round % 3 == 0 ? 0 : byte(rng);
    const ShiftGeometry g = ShiftGeometry::Make(N, C, H, W, 1, 1);
    std::vector<uint8_t> x(N * C * H * W);
    for (auto& v : x) v = static_cast<uint8_t>(round % 2 ? (byte(rng) & 1) * 255 : byte(rng));
    std::vector<float> s(2 * C);
    for (auto& v : s) v = u(rng);
    std::vector<uint8_t> y(x.size()), scratch(static_cast<size_t>(asnet::ActiveShiftU8ScratchBytes(g)));
    asnet::ActiveShiftU8Forward(asnet::DetectIsa(), g, x.data(), s.data(), static_cast<uint8_t>(zp), y.data(), 0,
                                g.planes(), scratch.data());
    for (int64_t c = 0; c < C; ++c) {
      const float fx0 = std::floor(s[2 * c]), fy0 = std::floor(s[2 * c + 1]);
      const double fx = s[2 * c] - fx0, fy = s[2 * c + 1] - fy0;  // float32 fractions (exact here)
      auto q = [&](int64_t r, int64_t col) -> double {
        return (r < 0 || r >= H || col < 0 || col >= W) ? zp : x[(c * H + r) * W + col];
      };
      for (int64_t i = 0; i < H; ++i) {
        for (int64_t j = 0; j < W; ++j) {
          const int64_t r = i + static_cast<int64_t>(fy0), col = j + static_cast<int64_t>(fx0);
          const double v = (1 - fx) * (1 - fy) * q(r, col) + fx * (1 - fy) * q(r, col + 1) +
                           (1 - fx) * fy * q(r + 1, col) + fx * fy * q(r + 1, col + 1);
          const double e = std::fabs(y[(c * H + i) * W + j] - v);
          worst = std::fmax(worst, e);
          CHECK(e <= bound, "u8 error bound: channel %lld (%g, %g) at (%lld, %lld): %d vs exact %.6f", (long long)c,
                s[2 * c], s[2 * c + 1], (long long)i, (long long)j, y[(c * H + i) * W + j], v);
        }
      }
    }
  }
  std::printf("  u8 vs exact bilinear: largest error %.4f steps (bound %.4f)\n", worst, bound);
}

// Random geometries, including strides beyond the image and C not a multiple of 16.
void TestFuzz() {
  std::mt19937 rng(2026);
  std::uniform_int_distribution<int64_t> small(0, 6), ch(0, 150), stride(1, 5);
  std::uniform_int_distribution<int> kind(0, 6), zp(0, 255);
  for (int t = 0; t < 300 && !failures; ++t) {
    RunCase({small(rng) % 3, ch(rng), small(rng) + (t % 5 == 0 ? 20 : 0), small(rng), stride(rng), stride(rng),
             static_cast<Kind>(kind(rng)), zp(rng), static_cast<uint32_t>(1000 + t), t % 3 == 0},
            t % 2 == 0);
  }
  std::printf("  u8 fuzz: 300 random geometries\n");
}

// The channels-last plan cache of one kernel object: a repeated shift is served from the cache,
// a new size gets new plans, a shift that keeps changing is planned per call after the rebuild
// limit, a non-finite shift is refused whatever is cached, and concurrent calls on one cache give
// the single-threaded bytes.
void TestPlanCache() {
  const Isa isa = asnet::DetectIsa();
  std::mt19937 rng(41);
  std::uniform_int_distribution<int> byte(0, 255);
  const int64_t C = 40;
  struct Run {
    ShiftGeometry g;
    std::vector<uint8_t> x, want;  // X channels-last, Y by the reference (channels-last)
  };
  auto make = [&](int64_t h, int64_t w, const std::vector<float>& s) {
    Run r;
    r.g = ShiftGeometry::Make(2, C, h, w, 1, 1);
    std::vector<uint8_t> x(static_cast<size_t>(2 * C * h * w));
    for (auto& v : x) v = static_cast<uint8_t>(byte(rng));
    std::vector<uint8_t> want(static_cast<size_t>(2 * C * r.g.oh * r.g.ow));
    for (int64_t n = 0; n < 2; ++n)
      for (int64_t c = 0; c < C; ++c)
        for (int64_t i = 0; i < r.g.oh; ++i)
          for (int64_t j = 0; j < r.g.ow; ++j)
            want[((n * C + c) * r.g.oh + i) * r.g.ow + j] = ReferenceAt(x, n, c, i, j, C, h, w, 1, 1, s[2 * c], s[2 * c + 1], 9);
    r.x = ToNhwc(x, 2, C, h, w);
    r.want = ToNhwc(want, 2, C, r.g.oh, r.g.ow);
    return r;
  };
  const std::vector<float> sa = Shifts(Kind::kUniform47, C, rng), sb = Shifts(Kind::kTies, C, rng);
  const Run a = make(7, 7, sa), b = make(7, 7, sb), a14 = make(14, 9, sa);
  auto run = [&](asnet::NhwcU8PlanCache& cache, const Run& r, const std::vector<float>& s,
                 const asnet::NhwcU8PlanCache::Entry** used) {
    std::string error;
    const auto entry = cache.Get("test", r.g, s.data(), &error);
    if (!error.empty()) return false;
    if (used != nullptr) *used = entry.get();
    std::vector<asnet::NhwcU8ChunkPlan> local;
    const asnet::NhwcU8ChunkPlan* plans = entry != nullptr ? entry->plans.data() : nullptr;
    if (plans == nullptr) {
      local.resize(static_cast<size_t>(asnet::NhwcU8Chunks(C)));
      asnet::ActiveShiftNhwcU8MakePlans(r.g, s.data(), local.data());
      plans = local.data();
    }
    std::vector<uint8_t> y(r.want.size(), 0x5A), scratch(static_cast<size_t>(asnet::ActiveShiftNhwcU8ScratchBytes(r.g)));
    asnet::ActiveShiftNhwcU8Forward(isa, r.g, r.x.data(), plans, 9, y.data(), 0, r.g.n * r.g.oh, scratch.data());
    return y == r.want;
  };
  asnet::NhwcU8PlanCache cache;
  const asnet::NhwcU8PlanCache::Entry *first = nullptr, *again = nullptr, *other = nullptr;
  CHECK(run(cache, a, sa, &first) && first != nullptr, "u8 plan cache: first call");
  CHECK(run(cache, a, sa, &again) && again == first, "u8 plan cache: unchanged shift not served from the cache");
  CHECK(run(cache, a14, sa, &other) && other != nullptr && other != first, "u8 plan cache: new geometry");
  const asnet::NhwcU8PlanCache::Entry* last = first;
  for (int r = 0; r < 2 * asnet::NhwcU8PlanCache::kMaxValueRebuilds + 5; ++r) {
    const bool use_b = r % 2 == 0;
    CHECK(run(cache, use_b ? b : a, use_b ? sb : sa, &last), "u8 plan cache: alternating shifts, call %d", r);
  }
  CHECK(last == nullptr, "u8 plan cache: a shift that keeps changing should be planned per call");
  std::vector<float> bad = sa;
  bad[7] = NAN;
  std::string error;
  CHECK(cache.Get("test", a.g, bad.data(), &error) == nullptr && error.find("not finite") != std::string::npos,
        "u8 plan cache: non-finite shift accepted: '%s'", error.c_str());
  asnet::NhwcU8PlanCache shared;
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int r = 0; r < 60; ++r) {
        const bool use_b = (r + t) % 7 == 0;
        if (!run(shared, use_b ? b : a, use_b ? sb : sa, nullptr)) ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(wrong.load() == 0, "u8 plan cache: %d of 240 concurrent calls differ", wrong.load());
}

void TestInputChecks() {
  asnet::Strides st;
  ShiftGeometry g;
  auto check = [&](bool nhwc, std::vector<int64_t> x, std::vector<int64_t> s, std::vector<int64_t> sc,
                   std::vector<int64_t> zp, const char* want) {
    const std::string e = asnet::CheckU8Inputs(nhwc, x, s, sc, zp, st, &g);
    if (want == nullptr) return e.empty();
    return e.find(want) != std::string::npos;
  };
  CHECK(check(false, {1, 2, 3, 4}, {2, 2}, {}, {}, nullptr), "valid NCHW rejected");
  CHECK(check(true, {1, 3, 4, 2}, {2, 2}, {1}, {1}, nullptr), "valid NHWC rejected");
  CHECK(check(false, {1, 2, 3}, {2, 2}, {}, {}, "rank 4"), "rank not named");
  CHECK(check(true, {1, 3, 4, 2}, {3, 2}, {}, {}, "3 channels but X has 2"), "channel mismatch not named");
  CHECK(check(false, {1, 2, 3, 4}, {2, 3}, {}, {}, "[C, 2]"), "shift shape not named");
  CHECK(check(false, {1, 2, 3, 4}, {2, 2}, {2}, {}, "x_scale"), "per-channel scale not refused");
  CHECK(check(false, {1, 2, 3, 4}, {2, 2}, {}, {1, 1}, "x_zero_point"), "bad zero point not refused");
  CHECK(check(false, {1, 2, -3, 4}, {2, 2}, {}, {}, "negative"), "negative dimension not refused");
  const int64_t big = int64_t{1} << 40;
  CHECK(check(false, {big, 2, big, 4}, {2, 2}, {}, {}, "overflows"), "oversized X not refused");
  CHECK(check(false, {0, 2, big, big}, {2, 2}, {}, {}, nullptr), "empty X with huge sizes refused");
}

}  // namespace

// The two AVX-512 tables (with and without VNNI's vpdpwssd) compute the same integers: byte-equal
// outputs on random shapes, shifts, strides and zero points (the dispatch runs only one of them
// on a given CPU, so both are called directly here). Skipped where the CPU lacks either.
namespace asnet {
namespace avx512 {
void U8Forward(const ShiftGeometry&, const uint8_t*, const float*, uint8_t, uint8_t*, int64_t, int64_t, uint8_t*);
void NhwcU8Forward(const ShiftGeometry&, const uint8_t*, const NhwcU8ChunkPlan*, uint8_t, uint8_t*, int64_t,
                   int64_t, uint8_t*);
}  // namespace avx512
namespace avx512vnni {
void U8Forward(const ShiftGeometry&, const uint8_t*, const float*, uint8_t, uint8_t*, int64_t, int64_t, uint8_t*);
void NhwcU8Forward(const ShiftGeometry&, const uint8_t*, const NhwcU8ChunkPlan*, uint8_t, uint8_t*, int64_t,
                   int64_t, uint8_t*);
}  // namespace avx512vnni
}  // namespace asnet

namespace {

void TestVnniTableMatches() {
  __builtin_cpu_init();
  if (asnet::DetectIsa() != Isa::kAvx512 || !__builtin_cpu_supports("avx512vnni")) {
    std::printf("  u8 VNNI table: skipped (no avx512_vnni here)\n");
    return;
  }
  std::mt19937 rng(33);
  int cases = 0;
  for (int t = 0; t < 60; ++t) {
    const int64_t n = 1 + rng() % 2, c = 1 + rng() % 150, h = 1 + rng() % 12, w = 1 + rng() % 45;
    const int64_t s = 1 + rng() % 2;
    const auto g = ShiftGeometry::Make(n, c, h, w, s, s);
    std::vector<uint8_t> x(n * c * h * w);
    for (auto& v : x) v = static_cast<uint8_t>(rng());
    std::vector<float> shift(2 * c);
    for (auto& v : shift) v = std::uniform_real_distribution<float>(-3.5f, 3.5f)(rng);
    const uint8_t zp = static_cast<uint8_t>(rng());
    const int64_t out = n * c * g.oh * g.ow;
    std::vector<uint8_t> a(out), b(out), scratch(asnet::ActiveShiftU8ScratchBytes(g));
    asnet::avx512::U8Forward(g, x.data(), shift.data(), zp, a.data(), 0, g.planes(), scratch.data());
    asnet::avx512vnni::U8Forward(g, x.data(), shift.data(), zp, b.data(), 0, g.planes(), scratch.data());
    CHECK(a == b, "NCHW VNNI table differs (case %d)", t);
    std::vector<asnet::NhwcU8ChunkPlan> plans(asnet::NhwcU8Chunks(c));
    asnet::ActiveShiftNhwcU8MakePlans(g, shift.data(), plans.data());
    std::vector<uint8_t> nscratch(asnet::ActiveShiftNhwcU8ScratchBytes(g));
    asnet::avx512::NhwcU8Forward(g, x.data(), plans.data(), zp, a.data(), 0, n * g.oh, nscratch.data());
    asnet::avx512vnni::NhwcU8Forward(g, x.data(), plans.data(), zp, b.data(), 0, n * g.oh, nscratch.data());
    CHECK(a == b, "NHWC VNNI table differs (case %d)", t);
    ++cases;
  }
  std::printf("  u8 VNNI table: %d random cases byte-equal to the AVX-512 table\n", cases);
}

}  // namespace

void RunU8KernelTests() {
  TestVnniTableMatches();
  TestInputChecks();
  TestSweep();
  TestWeights();
  TestErrorBound();
  TestAgainstFloatKernel();
  TestFuzz();
  TestPlanCache();
}
