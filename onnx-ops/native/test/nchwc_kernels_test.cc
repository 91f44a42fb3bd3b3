// Native tests of the ActiveShiftNchwc kernel: every compiled kernel table, for vectorized block
// sizes (4, 8, 16) and ones that take the per-channel loop (1, 3, 32), against a double-precision
// reference computed from the definition on the de-blocked tensor. Padding channels of X hold
// NaN, so a padding lane that leaked into a real channel (or a real lane into padding) shows up.
#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "asnet/active_shift_nchwc.h"
#include "ops/active_shift_ops.h"
#include "test_util.h"

namespace {

using asnet_test::AvailableIsas;
using asnet_test::failures;

// How the shifts of a test are drawn.
enum class Shifts {
  kOneOffset,  // every channel at the same integer offset (one group per block)
  kUniform1,   // U(-1, 1): the reference initialization, up to four offsets
  kUniform47,  // U(-4.7, 4.7): the range of trained ImageNet shifts
  kIntegers,   // whole numbers in [-3, 3]
  kBeyond,     // far outside the image (every tap reads 0) mixed with ordinary ones
  kSpread,     // a few offsets per block, like the pretrained CIFAR model's sorted channels
  kMany,       // 9 to 12 offsets per 16 channels within 4 x 3 (the ring with vector masks)
};
constexpr Shifts kAllShifts[] = {Shifts::kOneOffset, Shifts::kUniform1, Shifts::kUniform47,
                                 Shifts::kIntegers,  Shifts::kBeyond,   Shifts::kSpread};

const char* Name(Shifts s) {
  switch (s) {
    case Shifts::kOneOffset: return "one-offset";
    case Shifts::kUniform1: return "U(-1,1)";
    case Shifts::kUniform47: return "U(-4.7,4.7)";
    case Shifts::kIntegers: return "integers";
    case Shifts::kBeyond: return "beyond";
    case Shifts::kSpread: return "spread";
    case Shifts::kMany: return "many";
  }
  return "?";
}

std::vector<float> DrawShifts(Shifts kind, int64_t c, int64_t h, int64_t w, std::mt19937& rng) {
  std::uniform_real_distribution<float> u(-1.0f, 1.0f), frac(0.0f, 1.0f);
  std::vector<float> s(2 * c);
  const float base_x = std::floor(2.0f * u(rng)), base_y = std::floor(2.0f * u(rng));
  for (int64_t k = 0; k < c; ++k) {
    float& x = s[2 * k];
    float& y = s[2 * k + 1];
    switch (kind) {
      case Shifts::kOneOffset: x = base_x + frac(rng); y = base_y + frac(rng); break;
      case Shifts::kUniform1: x = u(rng); y = u(rng); break;
      case Shifts::kUniform47: x = 4.7f * u(rng); y = 4.7f * u(rng); break;
      case Shifts::kIntegers: x = std::round(3.0f * u(rng)); y = std::round(3.0f * u(rng)); break;
      case Shifts::kBeyond: {
        const float far = (k % 3 == 0) ? 1e30f : static_cast<float>(2 * std::max(h, w) + 5);
        x = (k % 2 ? far : 1.0f) * u(rng);
        y = (k % 2 ? 1.0f : far) * u(rng) + (k % 4 == 1 ? far : 0.0f);
        break;
      }
      case Shifts::kSpread:  // runs of channels sharing an offset, as after sorting by offset
        x = std::floor(static_cast<float>(k / 5 % 3) - 1.0f) + frac(rng);
        y = std::floor(static_cast<float>(k / 3 % 2)) + frac(rng);
        break;
      case Shifts::kMany: {  // channel block k / 16 holds m = 9 .. 12 offsets of a 4 x 3 grid
        const int64_t m = 9 + (k / 16) % 4, cell = (k % 16) % m;
        x = static_cast<float>(cell % 4 - 2) + frac(rng);
        y = static_cast<float>(cell / 4 - 1) + frac(rng);
        break;
      }
    }
  }
  return s;
}

// X[n, c, r, q] of a blocked tensor, 0 outside the image (doubles: the reference reads no padding).
double At(const std::vector<float>& x, const asnet::NchwcGeometry& ng, int64_t n, int64_t c,
          double r, double q) {
  const auto& g = ng.g;
  if (r < 0 || r >= g.h || q < 0 || q >= g.w) return 0.0;
  const int64_t b = ng.block;
  return x[(((n * ng.blocks + c / b) * g.h + static_cast<int64_t>(r)) * g.w + static_cast<int64_t>(q)) * b + c % b];
}

struct Case {
  int64_t n, c, h, w, block, sh, sw;
  Shifts shifts;
  uint32_t seed;
};

// Channel blocks the vectorized kernels computed through planar rows, the ring and row by row
// (TestSweep checks that every path ran).
int64_t transposed_blocks = 0, ring_blocks = 0, row_blocks = 0;
int64_t transposed_strided_blocks = 0;  // of transposed_blocks, at column stride 2
int64_t ring_wide_blocks = 0;           // of ring_blocks, with more than 8 offset groups

void Check(asnet::Isa isa, const Case& k) {
  const auto ng = asnet::NchwcGeometry::Make(k.n, k.c, k.h, k.w, k.block, k.sh, k.sw);
  const auto& g = ng.g;
  const int64_t b = ng.block, cp = ng.padded_channels();
  std::mt19937 rng(k.seed);
  std::uniform_real_distribution<float> val(-1.0f, 1.0f);
  std::vector<float> x(g.n * cp * g.h * g.w);
  for (int64_t n = 0; n < g.n; ++n) {
    for (int64_t cb = 0; cb < ng.blocks; ++cb) {
      for (int64_t p = 0; p < g.h * g.w; ++p) {
        for (int64_t l = 0; l < b; ++l) {
          x[((n * ng.blocks + cb) * g.h * g.w + p) * b + l] = cb * b + l < g.c ? val(rng) : NAN;
        }
      }
    }
  }
  const std::vector<float> s = DrawShifts(k.shifts, g.c, g.h, g.w, rng);
  std::vector<double> want(g.n * cp * g.oh * g.ow, 0.0);
  double scale = 1.0;
  for (int64_t n = 0; n < g.n; ++n) {
    for (int64_t c = 0; c < g.c; ++c) {
      const double sx = s[2 * c], sy = s[2 * c + 1], fx = std::floor(sx), fy = std::floor(sy);
      const double ax = sx - fx, ay = sy - fy;
      for (int64_t i = 0; i < g.oh; ++i) {
        for (int64_t j = 0; j < g.ow; ++j) {
          const double r = double(i * g.sh) + fy, q = double(j * g.sw) + fx;
          const double v = (1 - ax) * (1 - ay) * At(x, ng, n, c, r, q) + ax * (1 - ay) * At(x, ng, n, c, r, q + 1) +
                           (1 - ax) * ay * At(x, ng, n, c, r + 1, q) + ax * ay * At(x, ng, n, c, r + 1, q + 1);
          want[(((n * ng.blocks + c / b) * g.oh + i) * g.ow + j) * b + c % b] = v;
          scale = std::max(scale, std::fabs(v));
        }
      }
    }
  }
  std::vector<float> y(want.size(), NAN);
  asnet::ActiveShiftNchwcForward(isa, ng, x.data(), s.data(), y.data(), 0, ng.rows());
  for (size_t e = 0; e < y.size(); ++e) {
    CHECK(std::fabs(y[e] - want[e]) <= 1e-5 * scale,
          "Y[%zu] isa=%s N=%lld C=%lld H=%lld W=%lld b=%lld strides=[%lld,%lld] shifts=%s: got %.8g want %.8g",
          e, asnet::IsaName(isa), (long long)k.n, (long long)k.c, (long long)k.h, (long long)k.w,
          (long long)b, (long long)k.sh, (long long)k.sw, Name(k.shifts), y[e], want[e]);
  }
  // Rows split at arbitrary points (as over a thread pool) give the same bits.
  std::vector<float> split(y.size(), NAN);
  std::uniform_int_distribution<int64_t> cut(1, std::max<int64_t>(1, g.oh + 1));
  for (int64_t r = 0; r < ng.rows();) {
    const int64_t e = std::min(ng.rows(), r + cut(rng));
    asnet::ActiveShiftNchwcForward(isa, ng, x.data(), s.data(), split.data(), r, e);
    r = e;
  }
  CHECK(std::memcmp(split.data(), y.data(), sizeof(float) * y.size()) == 0,
        "row split changed the result (isa %s, b=%lld)", asnet::IsaName(isa), (long long)b);
  // Plans made beforehand (as the op caches them), over the same split, give the same bits.
  if (asnet::NchwcPlannable(b)) {
    std::vector<asnet::NchwcBlockPlan> plans(ng.blocks);
    asnet::ActiveShiftNchwcMakePlans(isa, ng, s.data(), plans.data());
    for (const auto& plan : plans) {
      if (g.sw == 2 && asnet::ActiveShiftNchwcUsesTransposed(isa, ng, plan)) ++transposed_strided_blocks;
      if (plan.count > 8 && asnet::ActiveShiftNchwcUsesRing(isa, ng, plan)) ++ring_wide_blocks;
      ++(asnet::ActiveShiftNchwcUsesTransposed(isa, ng, plan) ? transposed_blocks
         : asnet::ActiveShiftNchwcUsesRing(isa, ng, plan)     ? ring_blocks
                                                              : row_blocks);
    }
    std::fill(split.begin(), split.end(), NAN);
    for (int64_t r = 0; r < ng.rows();) {
      const int64_t e = std::min(ng.rows(), r + cut(rng));
      asnet::ActiveShiftNchwcForward(isa, ng, x.data(), s.data(), split.data(), r, e, plans.data());
      r = e;
    }
    CHECK(std::memcmp(split.data(), y.data(), sizeof(float) * y.size()) == 0,
          "planned kernel differs from per-call planning (isa %s, b=%lld)", asnet::IsaName(isa), (long long)b);
  }
}

void TestSweep() {
  const int64_t shapes[][4] = {{1, 1, 1, 1},  {1, 16, 7, 7},  {2, 13, 14, 14}, {1, 40, 28, 28},
                               {1, 19, 1, 7}, {2, 8, 7, 1},   {1, 33, 9, 13},  {1, 5, 56, 56},
                               {3, 3, 5, 3},  {1, 17, 2, 30}, {1, 24, 11, 6}, {1, 16, 4, 300}};
  const int64_t huge = int64_t{1} << 62;
  const int64_t strides[][2] = {{1, 1}, {2, 2}, {1, 3}, {3, 2}, {huge, 1}, {1, INT64_MAX}};
  uint32_t seed = 11;
  for (asnet::Isa isa : AvailableIsas()) {
    transposed_blocks = ring_blocks = row_blocks = transposed_strided_blocks = ring_wide_blocks = 0;
    for (int64_t block : {16, 8, 4, 1, 3, 32}) {
      int k = 0;
      for (const auto& s : shapes) {
        for (const auto& st : strides) {
          const Shifts kind = kAllShifts[k++ % 6];
          Check(isa, {s[0], s[1], s[2], s[3], block, st[0], st[1], kind, seed++});
          if (failures) return;
        }
      }
    }
    // Every shift distribution on the vectorized block sizes.
    for (int64_t block : {16, 8, 4}) {
      for (Shifts kind : kAllShifts) {
        for (const auto& st : strides) {
          Check(isa, {2, 37, 14, 15, block, st[0], st[1], kind, seed++});
          if (failures) return;
        }
      }
    }
    // 9 to 12 offset groups per 16-lane block in maps the ring holds (AVX-512: the ring with the
    // groups' masks in vector registers), and the same shifts elsewhere.
    for (int64_t block : {16, 8}) {
      for (const auto& s : {std::array<int64_t, 4>{1, 64, 14, 14}, {2, 37, 7, 9}, {1, 70, 28, 28}, {1, 16, 3, 5}}) {
        for (const auto& st : strides) {
          Check(isa, {s[0], s[1], s[2], s[3], block, st[0], st[1], Shifts::kMany, seed++});
          if (failures) return;
        }
      }
    }
    CHECK((ring_wide_blocks > 0) == (isa == asnet::Isa::kAvx512), "isa %s: %lld blocks of 9-12 groups through the ring",
          asnet::IsaName(isa), (long long)ring_wide_blocks);
    // Every path of the vectorized kernels ran (many offsets at unit column stride: planar rows
    // where the ISA has a transposer; few offsets in small maps: the ring; strided columns with
    // many offsets, offsets wider than the image, rows wider than the ring: row by row).
    // (Column stride 2 takes planar rows from 10 groups on: only 16-lane blocks, on AVX-512.)
    const bool transposer = isa != asnet::Isa::kSse2;
    CHECK((transposed_strided_blocks > 0) == (isa == asnet::Isa::kAvx512),
          "isa %s: %lld blocks at column stride 2 through planar rows", asnet::IsaName(isa),
          (long long)transposed_strided_blocks);
    CHECK((transposed_blocks > 0) == transposer && ring_blocks > 0 && row_blocks > 0,
          "isa %s: %lld blocks through planar rows, %lld through the ring, %lld row by row", asnet::IsaName(isa),
          (long long)transposed_blocks, (long long)ring_blocks, (long long)row_blocks);
    std::printf("  nchwc %s: %lld blocks through planar rows, %lld through the ring, %lld row by row\n",
                asnet::IsaName(isa), (long long)transposed_blocks, (long long)ring_blocks, (long long)row_blocks);
  }
}

// A NaN in one real channel stays in that channel (lanes of other offset groups are masked out
// of the loads, not just weighted 0).
void TestNanStaysInItsChannel() {
  for (int pattern : {0, 1})
  for (int64_t block : {16, 8, 4}) {
    const auto gb = asnet::NchwcGeometry::Make(1, 16, 6, 6, block, 1, 1);
    std::vector<float> x(16 * 36, 1.0f), y(x.size(), 0.0f), s(32);
    for (int64_t c = 0; c < 16; ++c) {
      if (pattern == 0) {  // two offset groups per block
        s[2 * c] = (c % 2) ? 1.5f : -0.5f;
        s[2 * c + 1] = 0.25f;
      } else {  // twelve (16-lane blocks: the ring with the masks in vector registers on AVX-512)
        s[2 * c] = static_cast<float>(c % 12 % 4) - 1.5f;
        s[2 * c + 1] = static_cast<float>(c % 12 / 4) - 0.75f;
      }
    }
    const int64_t poisoned = 5;  // channel 5: NaN everywhere
    for (int64_t p = 0; p < 36; ++p) x[((poisoned / block) * 36 + p) * block + poisoned % block] = NAN;
    for (asnet::Isa isa : AvailableIsas()) {
      asnet::ActiveShiftNchwcForward(isa, gb, x.data(), s.data(), y.data(), 0, gb.rows());
      for (int64_t c = 0; c < 16; ++c) {
        for (int64_t p = 0; p < 36; ++p) {
          const float v = y[((c / block) * 36 + p) * block + c % block];
          CHECK(c == poisoned || !std::isnan(v), "NaN of channel %lld leaked into channel %lld (isa %s, b=%lld, pattern %d)",
                (long long)poisoned, (long long)c, asnet::IsaName(isa), (long long)block, pattern);
        }
      }
    }
  }
}

// The op's plan cache (what ActiveShiftNchwcCpu::Compute runs after its shape checks), fed two
// shift tensors alternately, a new image size, a non-finite shift, and then from several threads
// at once: every output equals the kernel's with per-call planning, bit for bit.
struct CacheCase {
  asnet::NchwcGeometry g;
  std::vector<float> x, want;
};

CacheCase MakeCacheCase(asnet::Isa isa, int64_t n, int64_t c, int64_t h, int64_t w, int64_t b,
                        const std::vector<float>& s, std::mt19937& rng) {
  CacheCase k{asnet::NchwcGeometry::Make(n, c, h, w, b, 1, 1), {}, {}};
  std::uniform_real_distribution<float> val(-1.0f, 1.0f);
  k.x.resize(n * k.g.padded_channels() * h * w);
  for (auto& v : k.x) v = val(rng);
  k.want.assign(n * k.g.padded_channels() * k.g.g.oh * k.g.g.ow, NAN);
  asnet::ActiveShiftNchwcForward(isa, k.g, k.x.data(), s.data(), k.want.data(), 0, k.g.rows());
  return k;
}

// One Compute's worth: plans from the cache, then the kernel; false on a mismatch or an error.
bool CachedRun(asnet::NchwcPlanCache& cache, asnet::Isa isa, const CacheCase& k, const std::vector<float>& s,
               const asnet::NchwcPlanCache::Entry** used = nullptr) {
  std::string error;
  const auto plan = cache.Get(isa, k.g, s.data(), &error);
  if (!error.empty()) return false;
  if (used != nullptr) *used = plan.get();
  std::vector<float> y(k.want.size(), NAN);
  asnet::ActiveShiftNchwcForward(isa, k.g, k.x.data(), s.data(), y.data(), 0, k.g.rows(),
                                 plan != nullptr ? plan->plans.data() : nullptr);
  return std::memcmp(y.data(), k.want.data(), sizeof(float) * y.size()) == 0;
}

void TestPlanCache() {
  const asnet::Isa isa = asnet::DetectIsa();
  std::mt19937 rng(97);
  for (int64_t b : {16, 8, 4}) {
    const int64_t c = 40;
    const std::vector<float> sa = DrawShifts(Shifts::kSpread, c, 7, 7, rng);
    const std::vector<float> sb = DrawShifts(Shifts::kUniform47, c, 7, 7, rng);
    const CacheCase a = MakeCacheCase(isa, 2, c, 7, 7, b, sa, rng), bb = MakeCacheCase(isa, 2, c, 7, 7, b, sb, rng);
    const CacheCase a14 = MakeCacheCase(isa, 1, c, 14, 9, b, sa, rng);

    asnet::NchwcPlanCache cache;
    const asnet::NchwcPlanCache::Entry *first = nullptr, *again = nullptr, *other = nullptr;
    CHECK(CachedRun(cache, isa, a, sa, &first) && first != nullptr, "first call (b=%lld)", (long long)b);
    CHECK(CachedRun(cache, isa, a, sa, &again) && again == first, "unchanged shift not served from the cache");
    // A new image size with the same shift: new plans, not counted as a changed shift.
    CHECK(CachedRun(cache, isa, a14, sa, &other) && other != nullptr && other != first, "new geometry");
    // Alternating shifts (a shift fed as a graph input): right every time; after the rebuild limit
    // the cache gives up and the kernel plans per call (a shift equal to the plans it kept, a's,
    // is still served from them: the last call is b's).
    const asnet::NchwcPlanCache::Entry* last = first;
    for (int r = 0; r < 2 * asnet::NchwcPlanCache::kMaxValueRebuilds + 5; ++r) {
      const bool use_b = r % 2 == 0;
      CHECK(CachedRun(cache, isa, use_b ? bb : a, use_b ? sb : sa, &last), "alternating shifts, call %d (b=%lld)", r,
            (long long)b);
    }
    CHECK(last == nullptr, "a shift that keeps changing should be planned per call");
    // A non-finite shift is rejected even though the cache holds plans of its shape.
    std::vector<float> bad = sa;
    bad[7] = NAN;
    std::string error;
    CHECK(cache.Get(isa, a.g, bad.data(), &error) == nullptr && error.find("not finite") != std::string::npos,
          "non-finite shift accepted: '%s'", error.c_str());

    // Several threads on one cache (one kernel object), two shifts alternately.
    asnet::NchwcPlanCache shared;
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        for (int r = 0; r < 60; ++r) {
          // Mostly shift a, sometimes b: the cache is rebuilt and replaced while others read it.
          const bool use_b = (r + t) % 7 == 0;
          if (!CachedRun(shared, isa, use_b ? bb : a, use_b ? sb : sa)) ++wrong;
        }
      });
    }
    for (auto& th : threads) th.join();
    CHECK(wrong.load() == 0, "%d of 240 concurrent calls differ from single-threaded ones (b=%lld)", wrong.load(),
          (long long)b);
  }
}

}  // namespace

void RunNchwcKernelTests() {
  TestSweep();
  TestNanStaysInItsChannel();
  TestPlanCache();
}
