// Native tests: every compiled kernel table (ActiveShift here, the training kernels in
// training_kernels_test.cc) against a double-precision reference, finite
// differences for the reference gradient, and RegisterCustomOps against a runtime that is too
// old. Built with sanitizers by run-native-tests.sh. Exits non-zero on the first failure.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "asnet/active_shift.h"
#include "onnxruntime_c_api.h"
#include "test_util.h"

extern "C" OrtStatus* ORT_API_CALL RegisterCustomOps(OrtSessionOptions*, const OrtApiBase*);

namespace {

using asnet_test::AvailableIsas;
using asnet_test::failures;

// ---- double-precision reference (direct from the definition) ------------------------------
double At(const std::vector<double>& x, const asnet::ShiftGeometry& g, int64_t p, int64_t r,
          int64_t c) {
  if (r < 0 || r >= g.h || c < 0 || c >= g.w) return 0.0;
  return x[(p * g.h + r) * g.w + c];
}

struct Reference {
  std::vector<double> y, dx, dshift;
};

Reference RunReference(const asnet::ShiftGeometry& g, const std::vector<double>& x,
                       const std::vector<double>& shift, const std::vector<double>& dy) {
  Reference ref;
  ref.y.assign(g.planes() * g.out_plane(), 0.0);
  ref.dx.assign(g.planes() * g.in_plane(), 0.0);
  ref.dshift.assign(2 * g.c, 0.0);
  for (int64_t p = 0; p < g.planes(); ++p) {
    const int64_t c = p % g.c;
    const double sx = shift[2 * c], sy = shift[2 * c + 1];
    const double fx = std::floor(sx), fy = std::floor(sy);
    const double dxf = sx - fx, dyf = sy - fy;
    for (int64_t i = 0; i < g.oh; ++i) {
      for (int64_t j = 0; j < g.ow; ++j) {
        const int64_t r = i * g.sh + static_cast<int64_t>(fy);
        const int64_t q = j * g.sw + static_cast<int64_t>(fx);
        const double q11 = At(x, g, p, r, q), q21 = At(x, g, p, r, q + 1);
        const double q12 = At(x, g, p, r + 1, q), q22 = At(x, g, p, r + 1, q + 1);
        const double w[4] = {(1 - dxf) * (1 - dyf), dxf * (1 - dyf), (1 - dxf) * dyf, dxf * dyf};
        const int64_t o = (p * g.oh + i) * g.ow + j;
        ref.y[o] = w[0] * q11 + w[1] * q21 + w[2] * q12 + w[3] * q22;
        const double gy = dy[o];
        const int64_t rr[4] = {r, r, r + 1, r + 1}, cc[4] = {q, q + 1, q, q + 1};
        for (int t = 0; t < 4; ++t) {
          if (rr[t] >= 0 && rr[t] < g.h && cc[t] >= 0 && cc[t] < g.w) {
            ref.dx[(p * g.h + rr[t]) * g.w + cc[t]] += w[t] * gy;
          }
        }
        ref.dshift[2 * c] += gy * ((1 - dyf) * (q21 - q11) + dyf * (q22 - q12));
        ref.dshift[2 * c + 1] += gy * ((1 - dxf) * (q12 - q11) + dxf * (q22 - q21));
      }
    }
  }
  return ref;
}

double MaxAbs(const std::vector<double>& v) {
  double m = 0;
  for (double e : v) m = std::max(m, std::fabs(e));
  return m;
}

// ---- a small fluent tester in the style of XNNPACK's --------------------------------------
class ShiftTester {
 public:
  ShiftTester& Shape(int64_t n, int64_t c, int64_t h, int64_t w) {
    n_ = n; c_ = c; h_ = h; w_ = w;
    return *this;
  }
  ShiftTester& Strides(int64_t sh, int64_t sw) {
    sh_ = sh; sw_ = sw;
    return *this;
  }
  ShiftTester& ShiftRange(double r) { range_ = r; return *this; }
  ShiftTester& IntegerShifts(bool v) { integer_ = v; return *this; }
  ShiftTester& Seed(uint32_t s) { seed_ = s; return *this; }

  void Test(asnet::Isa isa) const {
    const auto g = asnet::ShiftGeometry::Make(n_, c_, h_, w_, sh_, sw_);
    std::mt19937 rng(seed_);
    std::uniform_real_distribution<float> val(-1.0f, 1.0f);
    std::uniform_real_distribution<float> sh(-range_, range_);
    std::vector<float> x(g.planes() * g.in_plane()), s(2 * g.c), dy(g.planes() * g.out_plane());
    for (auto& v : x) v = val(rng);
    for (auto& v : s) v = integer_ ? std::round(sh(rng)) : sh(rng);
    for (auto& v : dy) v = val(rng);
    const Reference ref = RunReference(g, std::vector<double>(x.begin(), x.end()),
                                       std::vector<double>(s.begin(), s.end()),
                                       std::vector<double>(dy.begin(), dy.end()));
    std::vector<float> y(dy.size(), NAN), dx(x.size(), NAN), ds(s.size(), NAN);
    asnet::ActiveShiftForward(isa, g, x.data(), s.data(), y.data(), 0, g.planes());
    std::vector<float> scratch(static_cast<size_t>(asnet::BackwardScratchFloats(g)));
    asnet::ActiveShiftBackward(isa, g, dy.data(), x.data(), s.data(), dx.data(), ds.data(), scratch.data(), 0, g.c);
    Compare("Y", y, ref.y, isa, 1e-5);
    Compare("dX", dx, ref.dx, isa, 1e-5);
    // dShift sums N*H*W terms: compare against the sum of |terms|-scale.
    Compare("dShift", ds, ref.dshift, isa, 1e-5 * std::max<double>(1.0, std::sqrt(double(g.n * g.out_plane()))));
  }

 private:
  void Compare(const char* what, const std::vector<float>& got, const std::vector<double>& want,
               asnet::Isa isa, double tol) const {
    const double scale = std::max(1.0, MaxAbs(want));
    for (size_t i = 0; i < got.size(); ++i) {
      const double err = std::fabs(got[i] - want[i]);
      CHECK(err <= tol * scale,
            "%s[%zu] isa=%s shape=[%lld,%lld,%lld,%lld] strides=[%lld,%lld] range=%g int=%d: got %.8g want %.8g",
            what, i, asnet::IsaName(isa), (long long)n_, (long long)c_, (long long)h_, (long long)w_,
            (long long)sh_, (long long)sw_, range_, integer_ ? 1 : 0, got[i], want[i]);
    }
  }
  int64_t n_ = 1, c_ = 1, h_ = 1, w_ = 1, sh_ = 1, sw_ = 1;
  double range_ = 1.5;
  bool integer_ = false;
  uint32_t seed_ = 1;
};

void TestKernelSweep() {
  const int64_t shapes[][4] = {{1, 1, 1, 1},  {2, 3, 1, 7},  {1, 2, 7, 1},   {1, 4, 5, 5},
                               {3, 5, 8, 9},  {1, 3, 13, 17}, {2, 16, 31, 33}, {1, 2, 2, 300},
                               {4, 1, 6, 6},  {1, 8, 56, 56}, {0, 3, 4, 4},   {2, 0, 4, 4},
                               // narrow planes: several whole rows per AVX-512 vector
                               {2, 3, 7, 7},  {1, 2, 11, 4}, {1, 3, 5, 3},   {2, 2, 9, 8},
                               {1, 1, 20, 2}, {1, 2, 600, 1}, {3, 4, 14, 5}};
  uint32_t seed = 7;
  for (asnet::Isa isa : AvailableIsas()) {
    for (const auto& s : shapes) {
      for (int64_t sh = 1; sh <= 3; ++sh) {
        for (int64_t sw = 1; sw <= 3; ++sw) {
          for (double range : {0.9, 2.5, 6.0, 1e3}) {
            for (bool integer : {false, true}) {
              ShiftTester().Shape(s[0], s[1], s[2], s[3]).Strides(sh, sw).ShiftRange(range)
                  .IntegerShifts(integer).Seed(seed++).Test(isa);
              if (failures) return;
            }
          }
        }
      }
    }
  }
}

// AVX-512 computes planes narrower than half a vector as flat arrays, AVX2 by strips; both do
// the same operations in the same order, so Y and dX must agree bit for bit (the reference
// comparison above allows rounding differences, this one does not).
void TestFlatPlanesMatchStrips() {
  const auto isas = AvailableIsas();
  if (std::find(isas.begin(), isas.end(), asnet::Isa::kAvx512) == isas.end()) return;
  const int64_t shapes[][4] = {{2, 5, 7, 7}, {1, 3, 16, 8}, {3, 2, 5, 3}, {1, 4, 1, 1}, {2, 3, 9, 6}};
  uint32_t seed = 40;
  for (const auto& sh : shapes) {
    for (double range : {0.9, 3.0, 20.0}) {
      const auto g = asnet::ShiftGeometry::Make(sh[0], sh[1], sh[2], sh[3], 1, 1);
      std::mt19937 rng(seed++);
      std::uniform_real_distribution<float> val(-1.0f, 1.0f), shift(-range, range);
      std::vector<float> x(g.planes() * g.in_plane()), s(2 * g.c), dy(g.planes() * g.out_plane());
      for (auto& v : x) v = val(rng);
      for (auto& v : s) v = shift(rng);
      for (auto& v : dy) v = val(rng);
      std::vector<float> y[2], dx[2], ds[2];
      const asnet::Isa pair[2] = {asnet::Isa::kAvx512, asnet::Isa::kAvx2};
      for (int k = 0; k < 2; ++k) {
        y[k].assign(dy.size(), NAN);
        dx[k].assign(x.size(), NAN);
        ds[k].assign(s.size(), NAN);
        std::vector<float> scratch(static_cast<size_t>(asnet::BackwardScratchFloats(g)));
        asnet::ActiveShiftForward(pair[k], g, x.data(), s.data(), y[k].data(), 0, g.planes());
        asnet::ActiveShiftBackward(pair[k], g, dy.data(), x.data(), s.data(), dx[k].data(), ds[k].data(),
                                   scratch.data(), 0, g.c);
      }
      CHECK(std::memcmp(y[0].data(), y[1].data(), sizeof(float) * y[0].size()) == 0,
            "Y: flat (avx512) and strip (avx2) kernels differ for [%lld,%lld,%lld,%lld] range %g", (long long)sh[0],
            (long long)sh[1], (long long)sh[2], (long long)sh[3], range);
      CHECK(std::memcmp(dx[0].data(), dx[1].data(), sizeof(float) * dx[0].size()) == 0,
            "dX: flat (avx512) and strip (avx2) kernels differ for [%lld,%lld,%lld,%lld] range %g", (long long)sh[0],
            (long long)sh[1], (long long)sh[2], (long long)sh[3], range);
    }
  }
}

// At column stride 2 the forward reads its taps as deinterleaved pairs and does the unit-stride
// strips' arithmetic in their order: every output is, bit for bit, the unit-stride forward's at
// (i * sh, 2j), for every ISA, row stride and edge (maps narrower than a vector, odd widths,
// offsets past the image).
void TestStride2MatchesUnitStride() {
  const int64_t shapes[][4] = {{1, 3, 14, 14}, {2, 2, 9, 37}, {1, 4, 5, 3}, {1, 2, 56, 56},
                               {1, 1, 3, 70},  {2, 3, 7, 2},  {1, 2, 112, 112}};
  uint32_t seed = 90;
  for (asnet::Isa isa : AvailableIsas()) {
    for (const auto& sz : shapes) {
      for (int64_t sh : {1, 2, 3}) {
        for (double range : {0.9, 4.7, 40.0}) {
          const auto unit = asnet::ShiftGeometry::Make(sz[0], sz[1], sz[2], sz[3], 1, 1);
          const auto g = asnet::ShiftGeometry::Make(sz[0], sz[1], sz[2], sz[3], sh, 2);
          std::mt19937 rng(seed++);
          std::uniform_real_distribution<float> val(-1.0f, 1.0f), shift(-range, range);
          std::vector<float> x(unit.planes() * unit.in_plane()), s(2 * g.c);
          for (auto& v : x) v = val(rng);
          for (auto& v : s) v = shift(rng);
          std::vector<float> z(x.size(), NAN), y(g.planes() * g.out_plane(), NAN);
          asnet::ActiveShiftForward(isa, unit, x.data(), s.data(), z.data(), 0, unit.planes());
          asnet::ActiveShiftForward(isa, g, x.data(), s.data(), y.data(), 0, g.planes());
          for (int64_t p = 0; p < g.planes(); ++p) {
            for (int64_t i = 0; i < g.oh; ++i) {
              for (int64_t j = 0; j < g.ow; ++j) {
                const float want = z[(p * g.h + i * g.sh) * g.w + j * g.sw];
                const float got = y[(p * g.oh + i) * g.ow + j];
                CHECK(std::memcmp(&want, &got, sizeof(float)) == 0,
                      "isa %s [%lld,%lld,%lld,%lld] strides %lld,2 range %g: Y[%lld,%lld,%lld] %.9g, unit stride %.9g",
                      asnet::IsaName(isa), (long long)sz[0], (long long)sz[1], (long long)sz[2], (long long)sz[3],
                      (long long)sh, range, (long long)p, (long long)i, (long long)j, got, want);
                if (failures) return;
              }
            }
          }
        }
      }
    }
  }
}

// Huge shifts (up to the float range) move everything out of the image: all zeros, no UB.
void TestHugeShifts() {
  const auto g = asnet::ShiftGeometry::Make(1, 4, 5, 6, 1, 1);
  std::vector<float> x(g.planes() * g.in_plane(), 1.0f), y(x.size(), NAN), dx(x.size(), NAN);
  std::vector<float> s = {1e30f, 0.5f, -1e30f, 0.25f, 0.5f, 3e38f, 0.5f, -3e38f}, ds(8, NAN);
  for (asnet::Isa isa : AvailableIsas()) {
    asnet::ActiveShiftForward(isa, g, x.data(), s.data(), y.data(), 0, g.planes());
    for (float v : y) CHECK(v == 0.0f, "huge shift gave %g (isa %s)", v, asnet::IsaName(isa));
    std::vector<float> scratch(static_cast<size_t>(asnet::BackwardScratchFloats(g)));
    asnet::ActiveShiftBackward(isa, g, x.data(), x.data(), s.data(), dx.data(), ds.data(), scratch.data(), 0, g.c);
    for (float v : dx) CHECK(v == 0.0f, "huge shift dX %g", v);
    for (float v : ds) CHECK(v == 0.0f, "huge shift dShift %g", v);
  }
}

// The reference gradient itself agrees with central differences of the reference forward.
void TestReferenceAgainstFiniteDifferences() {
  const auto g = asnet::ShiftGeometry::Make(2, 3, 6, 7, 2, 1);
  std::mt19937 rng(42);
  std::uniform_real_distribution<double> val(-1, 1);
  std::vector<double> x(g.planes() * g.in_plane()), s = {0.3, -1.7, 2.45, 0.61, -0.2, -0.85},
                                                    dy(g.planes() * g.out_plane());
  for (auto& v : x) v = val(rng);
  for (auto& v : dy) v = val(rng);
  auto loss = [&](const std::vector<double>& xx, const std::vector<double>& ss) {
    const Reference r = RunReference(g, xx, ss, dy);
    double l = 0;
    for (size_t i = 0; i < r.y.size(); ++i) l += r.y[i] * dy[i];
    return l;
  };
  const Reference ref = RunReference(g, x, s, dy);
  const double eps = 1e-6;
  for (size_t i = 0; i < s.size(); ++i) {
    auto hi = s, lo = s;
    hi[i] += eps;
    lo[i] -= eps;
    const double fd = (loss(x, hi) - loss(x, lo)) / (2 * eps);
    CHECK(std::fabs(fd - ref.dshift[i]) < 1e-6 * std::max(1.0, std::fabs(fd)),
          "dShift[%zu]: finite difference %.10g vs reference %.10g", i, fd, ref.dshift[i]);
  }
  for (size_t i = 0; i < x.size(); i += 5) {
    auto hi = x, lo = x;
    hi[i] += eps;
    lo[i] -= eps;
    const double fd = (loss(hi, s) - loss(lo, s)) / (2 * eps);
    CHECK(std::fabs(fd - ref.dx[i]) < 1e-6, "dX[%zu]: finite difference %.10g vs reference %.10g",
          i, fd, ref.dx[i]);
  }
}

// ---- a runtime older than our API version ------------------------------------------------
std::string last_status_message;
OrtStatus* ORT_API_CALL FakeCreateStatus(OrtErrorCode, const char* msg) NO_EXCEPTION {
  last_status_message = msg;
  static char token;
  return reinterpret_cast<OrtStatus*>(&token);
}
OrtApi fake_api_v1{};
const OrtApi* ORT_API_CALL OldGetApi(uint32_t version) NO_EXCEPTION {
  return version <= 14 ? &fake_api_v1 : nullptr;
}
const char* ORT_API_CALL OldVersion() NO_EXCEPTION { return "1.14.0"; }

void TestTooOldRuntime() {
  fake_api_v1.CreateStatus = &FakeCreateStatus;
  const OrtApiBase base{&OldGetApi, &OldVersion};
  OrtStatus* st = RegisterCustomOps(nullptr, &base);
  CHECK(st != nullptr, "registration with an old runtime must fail");
  CHECK(last_status_message.find("1.14.0 is too old") != std::string::npos &&
            last_status_message.find("API version " + std::to_string(ORT_API_VERSION)) != std::string::npos,
        "unexpected message: %s", last_status_message.c_str());
}

}  // namespace

int main() {
  std::printf("native tests, best ISA here: %s\n", asnet::IsaName(asnet::DetectIsa()));
  TestReferenceAgainstFiniteDifferences();
  TestKernelSweep();
  TestFlatPlanesMatchStrips();
  TestStride2MatchesUnitStride();
  TestHugeShifts();
  RunNchwcKernelTests();
  RunU8KernelTests();
  RunChannelAffineU8Tests();
  TestTooOldRuntime();
  RunTrainingKernelTests();
  RunBnReluShiftTests();
  RunGeometryFuzzTests();
  if (failures) {
    std::printf("%d failure(s)\n", failures);
    return 1;
  }
  std::printf("all native tests passed\n");
  return 0;
}
