// Geometry edge cases of ActiveShift: strides up to 2^63-1, empty and one-pixel
// tensors, shifts far outside the image, and size products that do not fit 64 bits.
//
// The reference here is deliberately independent of asnet::ShiftGeometry: it takes the strides
// exactly as the model gives them, computes the output size as ceil(extent / stride) in 128-bit
// arithmetic and places the taps with the raw (unclamped) shift in double, so neither the
// kernels' stride clamping nor their shift clamping is assumed. The fuzz loop runs a fixed
// pseudo-random sequence (fixed seed) through every compiled kernel table under ASan/UBSan.
#include <chrono>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "asnet/active_shift.h"
#include "asnet/batch_norm.h"
#include "ops/op_contract.h"
#include "ops/training_ops.h"
#include "test_util.h"

namespace {

using asnet_test::AvailableIsas;
using asnet_test::failures;

constexpr int64_t kMax64 = std::numeric_limits<int64_t>::max();
constexpr int64_t kMax32 = std::numeric_limits<int32_t>::max();

// ceil(extent / stride) for any int64 extent >= 0 and stride >= 1, in 128 bits.
int64_t CeilDiv128(int64_t extent, int64_t stride) {
  const __int128 e = extent, s = stride;
  return static_cast<int64_t>((e + s - 1) / s);
}

struct Problem {
  int64_t n, c, h, w, sh, sw;  // strides as given by the model
  int64_t oh() const { return CeilDiv128(h, sh); }
  int64_t ow() const { return CeilDiv128(w, sw); }
  std::string Text() const {
    char buf[200];
    std::snprintf(buf, sizeof buf, "X [%lld,%lld,%lld,%lld] strides [%lld,%lld]", (long long)n,
                  (long long)c, (long long)h, (long long)w, (long long)sh, (long long)sw);
    return buf;
  }
};

struct RefOut {
  std::vector<double> y, dx, dshift;
};

// Straight from the definition: output (i, j) samples (i*sh + y_c, j*sw + x_c) bilinearly, taps
// outside the image read 0. Tap positions are computed in double from the raw shift; i*sh is
// exact because i < ceil(h / sh) implies i*sh <= h - 1.
RefOut Reference(const Problem& pr, const std::vector<float>& x, const std::vector<float>& shift,
                 const std::vector<float>& dy) {
  const int64_t oh = pr.oh(), ow = pr.ow();
  RefOut r;
  r.y.assign(pr.n * pr.c * oh * ow, 0.0);
  r.dx.assign(x.size(), 0.0);
  r.dshift.assign(2 * pr.c, 0.0);
  auto inside = [&](double row, double col) { return row >= 0 && row < pr.h && col >= 0 && col < pr.w; };
  auto index = [&](int64_t p, double row, double col) {
    return (p * pr.h + static_cast<int64_t>(row)) * pr.w + static_cast<int64_t>(col);
  };
  for (int64_t p = 0; p < pr.n * pr.c; ++p) {
    const int64_t ch = p % pr.c;
    const double sx = shift[2 * ch], sy = shift[2 * ch + 1];
    const double fx = std::floor(sx), fy = std::floor(sy);
    const double ax = sx - fx, ay = sy - fy;
    const double wt[4] = {(1 - ax) * (1 - ay), ax * (1 - ay), (1 - ax) * ay, ax * ay};
    for (int64_t i = 0; i < oh; ++i) {
      for (int64_t j = 0; j < ow; ++j) {
        const double row = static_cast<double>(static_cast<__int128>(i) * pr.sh) + fy;
        const double col = static_cast<double>(static_cast<__int128>(j) * pr.sw) + fx;
        const double rr[4] = {row, row, row + 1, row + 1}, cc[4] = {col, col + 1, col, col + 1};
        double q[4];
        for (int t = 0; t < 4; ++t) q[t] = inside(rr[t], cc[t]) ? x[index(p, rr[t], cc[t])] : 0.0;
        const int64_t o = (p * oh + i) * ow + j;
        r.y[o] = wt[0] * q[0] + wt[1] * q[1] + wt[2] * q[2] + wt[3] * q[3];
        const double g = dy[o];
        for (int t = 0; t < 4; ++t) {
          if (inside(rr[t], cc[t])) r.dx[index(p, rr[t], cc[t])] += wt[t] * g;
        }
        r.dshift[2 * ch] += g * ((1 - ay) * (q[1] - q[0]) + ay * (q[3] - q[2]));
        r.dshift[2 * ch + 1] += g * ((1 - ax) * (q[2] - q[0]) + ax * (q[3] - q[1]));
      }
    }
  }
  return r;
}

double MaxAbs(const std::vector<double>& v) {
  double m = 0;
  for (double e : v) m = std::max(m, std::fabs(e));
  return m;
}

// Compares got with want (|err| <= tol * max(1, max |want|)); returns false after reporting.
bool Close(const char* what, const std::vector<float>& got, const std::vector<double>& want,
           double tol, asnet::Isa isa, const Problem& pr, const std::vector<float>& shift) {
  const double scale = std::max(1.0, MaxAbs(want));
  for (size_t i = 0; i < got.size(); ++i) {
    const double err = std::fabs(static_cast<double>(got[i]) - want[i]);
    if (!(err <= tol * scale)) {
      std::fprintf(stderr, "FAIL %s:%d: %s[%zu] isa=%s %s shift(c0)=(%.9g, %.9g): got %.9g want %.9g\n",
                   __FILE__, __LINE__, what, i, asnet::IsaName(isa), pr.Text().c_str(),
                   shift.empty() ? 0.0 : shift[0], shift.size() < 2 ? 0.0 : shift[1], got[i], want[i]);
      ++failures;
      return false;
    }
  }
  return true;
}

// CHECK for functions that return bool: reports, counts and returns false.
#define CHECK_FALSE_RETURN(cond, ...)                                \
  do {                                                               \
    if (!(cond)) {                                                   \
      std::fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);      \
      std::fprintf(stderr, __VA_ARGS__);                             \
      std::fprintf(stderr, "\n");                                    \
      ++failures;                                                    \
      return false;                                                  \
    }                                                                \
  } while (0)

// Runs one problem through every kernel table and the reference. Returns false on a failure.
bool RunProblem(const Problem& pr, const std::vector<float>& shift, std::mt19937_64& rng) {
  const auto g = asnet::ShiftGeometry::Make(pr.n, pr.c, pr.h, pr.w, pr.sh, pr.sw);
  if (g.oh != pr.oh() || g.ow != pr.ow()) {
    std::fprintf(stderr, "FAIL %s:%d: %s: ShiftGeometry output [%lld,%lld], want [%lld,%lld]\n",
                 __FILE__, __LINE__, pr.Text().c_str(), (long long)g.oh, (long long)g.ow,
                 (long long)pr.oh(), (long long)pr.ow());
    ++failures;
    return false;  // sizing buffers from a wrong geometry would only crash
  }
  if (g.empty()) {
    // The op layer returns before any kernel (Y and dX are empty, dShift is all zeros), so the
    // kernels' contract excludes this case; only the geometry is checked.
    CHECK_FALSE_RETURN(g.oh == 0 || g.ow == 0 || pr.n == 0 || pr.c == 0, "%s: empty X, non-empty Y",
                       pr.Text().c_str());
    return true;
  }
  std::uniform_real_distribution<float> val(-1.0f, 1.0f);
  std::vector<float> x(pr.n * pr.c * pr.h * pr.w), dy(pr.n * pr.c * pr.oh() * pr.ow());
  for (auto& v : x) v = val(rng);
  for (auto& v : dy) v = val(rng);
  const RefOut ref = Reference(pr, x, shift, dy);
  for (asnet::Isa isa : AvailableIsas()) {
    std::vector<float> y(dy.size(), NAN), dx(x.size(), NAN), ds(2 * pr.c, NAN);
    asnet::ActiveShiftForward(isa, g, x.data(), shift.data(), y.data(), 0, pr.n * pr.c);
    std::vector<float> scratch(static_cast<size_t>(asnet::BackwardScratchFloats(g)));
    asnet::ActiveShiftBackward(isa, g, dy.data(), x.data(), shift.data(), dx.data(), ds.data(), scratch.data(), 0, pr.c);
    const double terms = std::sqrt(static_cast<double>(std::max<int64_t>(1, pr.n * pr.oh() * pr.ow())));
    if (!Close("Y", y, ref.y, 1e-5, isa, pr, shift) || !Close("dX", dx, ref.dx, 1e-5, isa, pr, shift) ||
        !Close("dShift", ds, ref.dshift, 1e-5 * terms, isa, pr, shift)) {
      return false;
    }
  }
  return true;
}

// ---- the stride overflow that once read and wrote outside the tensors ---------------------

// One ActiveShift on a 1x1 image, shift (-3, 0), strides [1, 2^63-1], 1 and 30 images: the
// column arithmetic overflowed and the forward read x[-3..-2] and wrote y[-1]. Every tap is
// outside the image, so Y, dX and dShift are all exactly 0 for every image.
void TestMaxStrideOnOnePixelImages() {
  std::mt19937_64 rng(11);
  for (int64_t n : {1, 30}) {
    const Problem pr{n, 1, 1, 1, 1, kMax64};
    const std::vector<float> shift = {-3.0f, 0.0f};
    if (!RunProblem(pr, shift, rng)) return;
    // And the transposed case (huge stride along H, shift along y).
    const Problem tr{n, 1, 1, 1, kMax64, 1};
    if (!RunProblem(tr, {0.0f, -3.0f}, rng)) return;
  }
}

// ShiftGeometry::Make: ceil(extent / stride) for extreme extents and strides, effective strides
// small enough that (output size) * stride stays within 2 * extent.
void TestGeometrySizes() {
  const int64_t extents[] = {0, 1, 2, 3, 7, kMax32, int64_t{1} << 40, kMax64 - 1, kMax64};
  const int64_t strides[] = {1, 2, 3, kMax32, int64_t{kMax32} + 1, int64_t{1} << 62, kMax64 - 1, kMax64};
  for (int64_t e : extents) {
    for (int64_t s : strides) {
      const auto g = asnet::ShiftGeometry::Make(1, 1, e, e, s, s);
      CHECK(g.oh == CeilDiv128(e, s) && g.ow == g.oh, "extent %lld stride %lld: output %lld, want %lld",
            (long long)e, (long long)s, (long long)g.oh, (long long)CeilDiv128(e, s));
      CHECK(g.sh >= 1 && g.sh <= std::max<int64_t>(e, 1) && (g.sh == s || s >= e),
            "extent %lld stride %lld: effective stride %lld", (long long)e, (long long)s, (long long)g.sh);
      CHECK(static_cast<__int128>(g.oh) * g.sh <= 2 * static_cast<__int128>(std::max<int64_t>(e, 1)),
            "extent %lld stride %lld: oh * sh = %lld * %lld", (long long)e, (long long)s, (long long)g.oh,
            (long long)g.sh);
    }
  }
}

// The op layer: size products that overflow int64 are a clear error, empty tensors (some dim 0)
// are fine whatever the other dims, negative dims are rejected.
void TestOpLayerSizeChecks() {
  asnet::Strides s;
  s.h = 1;
  s.w = kMax64;
  asnet::ShiftGeometry g;
  const std::vector<int64_t> shift1 = {1, 2};
  std::string e = asnet::CheckForwardInputs("ActiveShift", {1, 1, 1, 1}, shift1, s, &g);
  CHECK(e.empty() && g.oh == 1 && g.ow == 1, "1x1 with huge strides: '%s' [%lld,%lld]", e.c_str(),
        (long long)g.oh, (long long)g.ow);
  // The message about dY names the strides as the model gave them.
  e = asnet::CheckGradInput("ActiveShiftGrad", {1, 1, 1, 2}, g, s);
  CHECK(e.find("[1,1,1,1]") != std::string::npos && e.find("9223372036854775807") != std::string::npos,
        "dY message: %s", e.c_str());

  const int64_t big = int64_t{1} << 32;
  const std::vector<int64_t> shift_big = {big, 2};
  e = asnet::CheckForwardInputs("ActiveShift", {big, big, 1, 1}, shift_big, s, &g);
  CHECK(e.find("too large") != std::string::npos && e.find("4294967296") != std::string::npos,
        "N*C overflow not reported: '%s'", e.c_str());
  e = asnet::CheckForwardInputs("ActiveShift", {1, 1, big, big}, shift1, s, &g);
  CHECK(e.find("too large") != std::string::npos, "H*W overflow not reported: '%s'", e.c_str());
  // 2^31 * 2^31 elements fit int64, but not as bytes of float.
  e = asnet::CheckForwardInputs("ActiveShift", {1, 1, int64_t{1} << 31, int64_t{1} << 31}, shift1, s, &g);
  CHECK(e.find("too large") != std::string::npos, "byte-size overflow not reported: '%s'", e.c_str());
  e = asnet::CheckForwardInputs("ActiveShift", {0, 1, kMax64, kMax64}, shift1, s, &g);
  CHECK(e.empty() && g.oh == kMax64 && g.ow == 1, "empty X with huge H, W: '%s'", e.c_str());
  e = asnet::CheckForwardInputs("ActiveShift", {1, 1, -1, 4}, shift1, s, &g);
  CHECK(e.find("negative") != std::string::npos, "negative dim not reported: '%s'", e.c_str());

  // The training ops' [N, C, spatial...] geometry.
  asnet::ChannelGeometry cg;
  e = asnet::CheckChannelShape({2, 3, big, big}, &cg);
  CHECK(e.find("too large") != std::string::npos, "spatial overflow not reported: '%s'", e.c_str());
  e = asnet::CheckChannelShape({big, 3, big}, &cg);
  CHECK(e.find("too large") != std::string::npos, "N*S overflow not reported: '%s'", e.c_str());
  e = asnet::CheckChannelShape({0, 3, kMax64, kMax64}, &cg);
  CHECK(e.empty() && cg.count() == 0, "empty X with huge spatial dims: '%s'", e.c_str());
  e = asnet::CheckChannelShape({2, 3, 0, kMax64, kMax64}, &cg);
  CHECK(e.empty() && cg.s == 0 && cg.count() == 0, "zero spatial dim: '%s'", e.c_str());
  e = asnet::CheckChannelShape({2, 3, 4, 5}, &cg);
  CHECK(e.empty() && cg.s == 20 && cg.count() == 40, "[2,3,4,5]: '%s' s=%lld", e.c_str(), (long long)cg.s);

  // Non-finite shifts are rejected by the op layer before any kernel runs.
  const float inf = std::numeric_limits<float>::infinity();
  for (float bad : {inf, -inf, std::numeric_limits<float>::quiet_NaN()}) {
    const float sh[4] = {0.5f, 0.0f, 1.0f, bad};
    e = asnet::CheckShiftValues("ActiveShift", sh, 2);
    CHECK(e.find("channel 1 is not finite") != std::string::npos, "non-finite shift: '%s'", e.c_str());
  }
}

// ---- the fuzz loop -------------------------------------------------------------------------

int64_t PickExtent(std::mt19937_64& rng) {
  switch (rng() % 8) {
    case 0: return 0;
    case 1: return 1;
    case 2: return 2;
    case 3: return 17 + static_cast<int64_t>(rng() % 54);  // a few vectors wide
    default: return 1 + static_cast<int64_t>(rng() % 9);
  }
}

int64_t PickStride(std::mt19937_64& rng, int64_t extent) {
  switch (rng() % 14) {
    case 0: return 1;
    case 1: return 2;
    case 2: return std::max<int64_t>(extent, 1);
    case 3: return extent + 1;
    case 4: return std::max<int64_t>(extent - 1, 1);
    case 5: return kMax32;
    case 6: return int64_t{kMax32} + 1;
    case 7: return kMax64;
    case 8: return kMax64 - 1;
    default: {  // log-uniform over [1, 2^63 - 1]
      const int e = static_cast<int>(rng() % 63);
      const uint64_t lo = uint64_t{1} << e;
      return static_cast<int64_t>(lo + (rng() & (lo - 1)));
    }
  }
}

float PickShift(std::mt19937_64& rng, int64_t extent) {
  const float sign = (rng() & 1) ? 1.0f : -1.0f;
  const float ext = static_cast<float>(extent);
  std::uniform_real_distribution<float> wide(-(ext + 3.0f), ext + 3.0f);
  switch (rng() % 14) {
    case 0: return sign * 1e30f;
    case 1: return sign * FLT_MAX;
    case 2: return sign * 1e-40f;                                   // denormal
    case 3: return sign * std::numeric_limits<float>::denorm_min();
    case 4: return std::round(wide(rng));                           // exact integer
    case 5: return sign * ext;
    case 6: return sign * std::nextafter(ext, 0.0f);
    case 7: return sign * std::nextafter(ext + 1.0f, 2 * ext + 2.0f);
    case 8: return sign * (ext + 1.0f);
    case 9: return sign * 0.0f;
    case 10: return sign * (ext + 2.5f);
    default: return wide(rng);
  }
}

void TestGeometryFuzz() {
  // A fixed sequence (fixed seed); the time cap only shortens it on a slow or loaded machine.
  constexpr int kCases = 60000;
  constexpr double kMaxSeconds = 6.0;
  std::mt19937_64 rng(20240611);
  const auto start = std::chrono::steady_clock::now();
  int cases = 0, ran = 0, huge = 0;
  int64_t outputs = 0;
  for (; cases < kCases; ++cases) {
    if (cases % 1024 == 0 &&
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() > kMaxSeconds) {
      break;
    }
    Problem pr;
    pr.n = static_cast<int64_t>(rng() % 4);  // 0 .. 3
    pr.c = static_cast<int64_t>(rng() % 4);
    if (rng() % 8 != 0) {  // mostly non-empty batches
      pr.n = std::max<int64_t>(pr.n, 1);
      pr.c = std::max<int64_t>(pr.c, 1);
    }
    pr.h = PickExtent(rng);
    pr.w = PickExtent(rng);
    pr.sh = PickStride(rng, pr.h);
    pr.sw = PickStride(rng, pr.w);
    std::vector<float> shift(2 * pr.c);
    for (int64_t k = 0; k < pr.c; ++k) {
      shift[2 * k] = PickShift(rng, pr.w);
      shift[2 * k + 1] = PickShift(rng, pr.h);
    }
    const auto g = asnet::ShiftGeometry::Make(pr.n, pr.c, pr.h, pr.w, pr.sh, pr.sw);
    if (!g.empty()) {
      ++ran;
      outputs += pr.n * pr.c * pr.oh() * pr.ow();
      if (pr.sh > kMax32 || pr.sw > kMax32) ++huge;
    }
    if (!RunProblem(pr, shift, rng)) {
      std::fprintf(stderr, "  (fuzz case %d)\n", cases);
      return;
    }
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("geometry fuzz: %d cases (%d non-empty, %d with a stride >= 2^31, %lld outputs) x %zu "
              "kernel tables in %.2f s\n", cases, ran, huge, static_cast<long long>(outputs),
              AvailableIsas().size(), secs);
}

}  // namespace

void RunGeometryFuzzTests() {
  TestMaxStrideOnOnePixelImages();
  TestGeometrySizes();
  TestOpLayerSizeChecks();
  TestGeometryFuzz();
}
