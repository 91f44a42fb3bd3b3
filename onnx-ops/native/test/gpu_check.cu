// Standalone GPU check for the ActiveShift CUDA kernels (needs a GPU; no ONNX Runtime, no network).
//
// 1. Correctness: on many shapes (odd sizes, 1x1, N=0, strides 1-3, more channels than one launch
//    holds) and shift kinds (fractional up to +-6, integers, far outside the image, mixed), the
//    CUDA forward and gradient are compared with the CPU kernels of asnet_kernels, and dShift also
//    with a double-precision reference. Outputs start as NaN (unwritten elements show up) and are
//    followed by a guard zone (writes past the end show up); the gradient runs twice and must be
//    bitwise identical. The forward's two kernels (16-byte and scalar, chosen by alignment) must
//    give bitwise the same Y.
// 2. Speed: forward and gradient times (CUDA events, median of several runs) on [32,128,56,56]
//    and other AS-ResNet shapes, with the effective bandwidth (bytes the op must read and write
//    once, divided by the time) against a device-to-device cudaMemcpyAsync of X.
//
// Exit status: 0 when every comparison passed, 1 on any mismatch or CUDA error. Speed is reported,
// and the goals (forward >= 70 %, gradient >= 40 % of copy bandwidth on [32,128,56,56]) are
// marked met or not, but never change the exit status.
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "active_shift_cuda.h"
#include "asnet/active_shift.h"
#include "fast_div.h"

namespace {

using asnet::ShiftGeometry;

int failures = 0;
int checks = 0;

#define CUDA_OK(expr)                                                                        \
  do {                                                                                       \
    const cudaError_t err_ = (expr);                                                         \
    if (err_ != cudaSuccess) {                                                               \
      std::fprintf(stderr, "CUDA error at %s:%d: %s: %s\n", __FILE__, __LINE__, #expr,       \
                   cudaGetErrorString(err_));                                                \
      std::exit(1);                                                                          \
    }                                                                                        \
  } while (0)

// ---- FastDiv (host side of the same code the kernels run) ------------------------------------
void CheckFastDiv() {
  std::mt19937_64 rng(7);
  int bad = 0;
  auto one = [&](uint32_t d, uint32_t n) {
    const asnet::cuda::FastDiv f(d);
    if (f.Div(n) != n / d && bad++ < 5) std::printf("  FastDiv(%u) of %u gave %u\n", d, n, f.Div(n));
  };
  for (uint32_t d = 1; d <= 2048; ++d) {
    for (uint32_t n = 0; n < 4096; ++n) one(d, n);
    for (int k = 0; k < 64; ++k) one(d, static_cast<uint32_t>(rng()));
    one(d, 0xffffffffu);
    one(d, 0x7fffffffu);
  }
  for (int k = 0; k < 200000; ++k) {
    const uint32_t d = 1 + static_cast<uint32_t>(rng() % 0x80000000u);
    one(d, static_cast<uint32_t>(rng()));
    one(d, d - 1);
    one(d, d);
    one(d, static_cast<uint32_t>(std::min<uint64_t>(uint64_t{d} * 3 - 1, 0xffffffffu)));
  }
  ++checks;
  if (bad) ++failures;
  std::printf("FastDiv: %s\n", bad ? "FAIL" : "ok");
}

// ---- double-precision reference for dShift (from the definition) -----------------------------
struct Split {
  int64_t base;
  double frac;
};

Split SplitRef(float s, int64_t extent) {
  const double limit = static_cast<double>(extent + 2);
  const double v = std::min(std::max(static_cast<double>(s), -limit), limit);
  const double f = std::floor(v);
  return {static_cast<int64_t>(f), v - f};
}

// dShift in double and, per channel, the sum of |terms| bounds used to scale tolerances.
void ShiftGradRef(const ShiftGeometry& g, const std::vector<float>& x,
                  const std::vector<float>& shift, const std::vector<float>& dy,
                  std::vector<double>* ds, std::vector<double>* scale) {
  ds->assign(2 * g.c, 0.0);
  scale->assign(g.c, 0.0);
  auto at = [&](int64_t p, int64_t r, int64_t c) -> double {
    return (r < 0 || r >= g.h || c < 0 || c >= g.w) ? 0.0 : x[(p * g.h + r) * g.w + c];
  };
  for (int64_t p = 0; p < g.planes(); ++p) {
    const int64_t ch = p % g.c;
    const Split tx = SplitRef(shift[2 * ch], g.w), ty = SplitRef(shift[2 * ch + 1], g.h);
    for (int64_t i = 0; i < g.oh; ++i) {
      for (int64_t j = 0; j < g.ow; ++j) {
        const int64_t r = i * g.sh + ty.base, c = j * g.sw + tx.base;
        const double q11 = at(p, r, c), q21 = at(p, r, c + 1), q12 = at(p, r + 1, c),
                     q22 = at(p, r + 1, c + 1);
        const double gv = dy[(p * g.oh + i) * g.ow + j];
        (*ds)[2 * ch] += gv * ((1 - ty.frac) * (q21 - q11) + ty.frac * (q22 - q12));
        (*ds)[2 * ch + 1] += gv * ((1 - tx.frac) * (q12 - q11) + tx.frac * (q22 - q21));
        (*scale)[ch] += std::fabs(gv) * (std::fabs(q11) + std::fabs(q21) + std::fabs(q12) + std::fabs(q22));
      }
    }
  }
}

// ---- device buffers with a guard zone -------------------------------------------------------
constexpr size_t kGuard = 64;          // floats after every output
constexpr uint32_t kGuardBits = 0x7fa5a5a5u;  // a NaN payload nothing computes

struct DeviceBuffer {
  float* ptr = nullptr;
  size_t n = 0;
  explicit DeviceBuffer(size_t count) : n(count) {
    CUDA_OK(cudaMalloc(&ptr, sizeof(float) * (n + kGuard)));
    std::vector<uint32_t> bits(n + kGuard, 0xffffffffu);  // NaN: unwritten elements fail
    for (size_t k = n; k < n + kGuard; ++k) bits[k] = kGuardBits;
    CUDA_OK(cudaMemcpy(ptr, bits.data(), sizeof(float) * bits.size(), cudaMemcpyHostToDevice));
  }
  ~DeviceBuffer() { cudaFree(ptr); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  void Upload(const std::vector<float>& v) {
    CUDA_OK(cudaMemcpy(ptr, v.data(), sizeof(float) * n, cudaMemcpyHostToDevice));
  }
  // Returns the values; false when the guard zone was written.
  bool Download(std::vector<float>* v) const {
    std::vector<float> all(n + kGuard);
    CUDA_OK(cudaMemcpy(all.data(), ptr, sizeof(float) * all.size(), cudaMemcpyDeviceToHost));
    v->assign(all.begin(), all.begin() + n);
    for (size_t k = n; k < n + kGuard; ++k) {
      uint32_t b;
      std::memcpy(&b, &all[k], 4);
      if (b != kGuardBits) return false;
    }
    return true;
  }
};

// ---- correctness cases ----------------------------------------------------------------------
enum class Shifts { kFraction, kInteger, kFar, kMixed, kSmall };

const char* ShiftsName(Shifts s) {
  switch (s) {
    case Shifts::kFraction: return "frac+-6";
    case Shifts::kInteger: return "integer";
    case Shifts::kFar: return "far";
    case Shifts::kMixed: return "mixed";
    default: return "frac+-1";
  }
}

struct Case {
  int64_t n, c, h, w, sh, sw;
  Shifts shifts;
};

std::vector<float> MakeShifts(const Case& k, std::mt19937& rng) {
  std::uniform_real_distribution<float> six(-6.0f, 6.0f), one(-1.0f, 1.0f);
  std::uniform_int_distribution<int> pick(0, 9), integer(-4, 4);
  std::vector<float> s(2 * k.c);
  for (int64_t i = 0; i < 2 * k.c; ++i) {
    const int64_t extent = (i % 2 == 0) ? k.w : k.h;
    switch (k.shifts) {
      case Shifts::kFraction: s[i] = six(rng); break;
      case Shifts::kSmall: s[i] = one(rng); break;
      case Shifts::kInteger: s[i] = static_cast<float>(integer(rng)); break;
      case Shifts::kFar: {
        const float far[] = {1e30f, -1e30f, 1e6f, -1e6f, static_cast<float>(extent) + 0.5f,
                             -static_cast<float>(extent) - 0.5f, static_cast<float>(extent) + 2.75f,
                             -static_cast<float>(extent) - 1.25f, static_cast<float>(extent) - 0.5f,
                             six(rng)};
        s[i] = far[pick(rng)];
        break;
      }
      case Shifts::kMixed: {
        const float mixed[] = {0.0f, -0.0f, 0.5f, -0.5f, 1e-7f, -1e-7f, 2.9999998f, -3.0000002f,
                               static_cast<float>(integer(rng)), six(rng)};
        s[i] = mixed[pick(rng)];
        break;
      }
    }
  }
  return s;
}

struct Compare {
  double max_err = 0;
  int64_t bad = 0, first = -1;
  void Add(int64_t idx, double got, double want, double tol) {
    const double e = std::fabs(got - want);
    if (!(e <= tol)) {  // NaN counts as bad
      if (first < 0) first = idx;
      ++bad;
    }
    if (e > max_err || std::isnan(e)) max_err = std::isnan(e) ? INFINITY : e;
  }
};

void RunCase(const Case& k, uint32_t seed, cudaStream_t stream, bool print) {
  const ShiftGeometry g = ShiftGeometry::Make(k.n, k.c, k.h, k.w, k.sh, k.sw);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> x(g.planes() * g.in_plane()), dy(g.planes() * g.out_plane());
  for (float& v : x) v = u(rng);
  for (float& v : dy) v = u(rng);
  const std::vector<float> shift = MakeShifts(k, rng);

  // CPU kernels (whatever ISA this CPU runs).
  const asnet::Isa isa = asnet::DetectIsa();
  std::vector<float> y_cpu(dy.size()), dx_cpu(x.size()), ds_cpu(2 * g.c);
  asnet::ActiveShiftForward(isa, g, x.data(), shift.data(), y_cpu.data(), 0, g.planes());
  std::vector<float> scratch(static_cast<size_t>(asnet::BackwardScratchFloats(g)));
  asnet::ActiveShiftBackward(isa, g, dy.data(), x.data(), shift.data(), dx_cpu.data(),
                             ds_cpu.data(), scratch.data(), 0, g.c);
  if (g.c > 0 && (g.n == 0 || g.in_plane() == 0)) std::fill(ds_cpu.begin(), ds_cpu.end(), 0.0f);
  std::vector<double> ds_ref, scale;
  ShiftGradRef(g, x, shift, dy, &ds_ref, &scale);

  // GPU.
  DeviceBuffer dx_in(x.size()), ddy(dy.size()), dy_out(dy.size()), ddx(x.size()), dds(2 * g.c),
      ddx2(x.size()), dds2(2 * g.c);
  dx_in.Upload(x);
  ddy.Upload(dy);
  CUDA_OK(asnet::cuda::LaunchActiveShiftForward(g, dx_in.ptr, shift.data(), dy_out.ptr, stream));
  CUDA_OK(asnet::cuda::LaunchActiveShiftGrad(g, ddy.ptr, dx_in.ptr, shift.data(), ddx.ptr, dds.ptr, stream));
  CUDA_OK(asnet::cuda::LaunchActiveShiftGrad(g, ddy.ptr, dx_in.ptr, shift.data(), ddx2.ptr, dds2.ptr, stream));
  CUDA_OK(cudaStreamSynchronize(stream));
  std::vector<float> y_gpu, dx_gpu, ds_gpu, dx_gpu2, ds_gpu2;
  bool guards = dy_out.Download(&y_gpu);
  guards &= ddx.Download(&dx_gpu);
  guards &= dds.Download(&ds_gpu);
  guards &= ddx2.Download(&dx_gpu2);
  guards &= dds2.Download(&ds_gpu2);

  Compare cy, cdx, cds_cpu, cds_ref;
  for (size_t i = 0; i < y_gpu.size(); ++i) cy.Add(i, y_gpu[i], y_cpu[i], 1e-5);
  for (size_t i = 0; i < dx_gpu.size(); ++i) cdx.Add(i, dx_gpu[i], dx_cpu[i], 1e-5);
  for (int64_t i = 0; i < 2 * g.c; ++i) {
    const double sc = scale[i / 2];
    // The GPU sums at most a few float terms before double accumulation: tight bound against the
    // exact value. The CPU kernels sum up to 256 float terms first: looser bound between the two.
    cds_ref.Add(i, ds_gpu[i], ds_ref[i], 2e-6 * sc + 1e-6 * std::fabs(ds_ref[i]) + 1e-7);
    cds_cpu.Add(i, ds_gpu[i], ds_cpu[i], 2e-5 * sc + 1e-6 * std::fabs(ds_ref[i]) + 1e-7);
  }
  const bool same = dx_gpu.size() == dx_gpu2.size() &&
                    std::memcmp(dx_gpu.data(), dx_gpu2.data(), sizeof(float) * dx_gpu.size()) == 0 &&
                    std::memcmp(ds_gpu.data(), ds_gpu2.data(), sizeof(float) * ds_gpu.size()) == 0;
  const bool ok = guards && same && !cy.bad && !cdx.bad && !cds_cpu.bad && !cds_ref.bad;
  ++checks;
  if (!ok) ++failures;
  if (print || !ok) {
    std::printf("  %-4s [%lld,%lld,%lld,%lld] s=(%lld,%lld) %-8s chunks=%d  Y %.1e  dX %.1e  "
                "dS(cpu) %.1e  dS(ref) %.1e%s%s\n",
                ok ? "ok" : "FAIL", (long long)k.n, (long long)k.c, (long long)k.h, (long long)k.w,
                (long long)k.sh, (long long)k.sw, ShiftsName(k.shifts),
                asnet::cuda::GradChunksPerChannel(g), cy.max_err, cdx.max_err, cds_cpu.max_err,
                cds_ref.max_err, guards ? "" : "  GUARD ZONE WRITTEN",
                same ? "" : "  GRADIENT NOT REPRODUCIBLE");
    if (cy.bad) std::printf("       Y: %lld bad, first at %lld\n", (long long)cy.bad, (long long)cy.first);
    if (cdx.bad) std::printf("       dX: %lld bad, first at %lld\n", (long long)cdx.bad, (long long)cdx.first);
    if (cds_cpu.bad || cds_ref.bad) {
      const int64_t i = cds_ref.bad ? cds_ref.first : cds_cpu.first;
      std::printf("       dS[%lld]: gpu %.9g cpu %.9g ref %.9g\n", (long long)i, ds_gpu[i], ds_cpu[i], ds_ref[i]);
    }
  }
}

void CheckCorrectness(cudaStream_t stream) {
  std::printf("Correctness (CUDA vs CPU kernels, ISA %s; dShift also vs double reference):\n",
              asnet::IsaName(asnet::DetectIsa()));
  const std::vector<Case> fixed = {
      {1, 1, 1, 1, 1, 1, Shifts::kFraction},   {3, 4, 1, 1, 2, 3, Shifts::kSmall},
      {2, 3, 5, 7, 1, 1, Shifts::kFraction},   {2, 5, 9, 4, 2, 2, Shifts::kFraction},
      {2, 3, 11, 13, 3, 1, Shifts::kFraction}, {1, 2, 13, 11, 1, 3, Shifts::kMixed},
      {0, 4, 5, 5, 1, 1, Shifts::kFraction},   {2, 0, 5, 5, 1, 1, Shifts::kFraction},
      {2, 3, 0, 5, 1, 1, Shifts::kFraction},   {2, 3, 5, 0, 2, 1, Shifts::kFraction},
      {4, 8, 56, 56, 1, 1, Shifts::kFraction}, {2, 16, 28, 28, 2, 2, Shifts::kFraction},
      {2, 7, 17, 33, 2, 1, Shifts::kInteger},  {2, 7, 33, 17, 1, 2, Shifts::kFar},
      {3, 9, 12, 12, 1, 1, Shifts::kFar},      {2, 6, 15, 9, 3, 3, Shifts::kFar},
      {1, 1000, 7, 7, 1, 1, Shifts::kFraction}, {3, 500, 3, 5, 2, 2, Shifts::kMixed},
      {1, 4, 70, 130, 1, 1, Shifts::kFraction}, {2, 3, 1, 40, 1, 1, Shifts::kFraction},
      {2, 3, 40, 1, 1, 1, Shifts::kFraction},  {2, 3, 5, 6, 7, 9, Shifts::kFraction},
      {1, 2, 200, 3, 1, 1, Shifts::kMixed},    {8, 64, 32, 32, 1, 1, Shifts::kSmall},
      {2, 32, 56, 56, 2, 2, Shifts::kInteger}, {32, 16, 14, 14, 1, 1, Shifts::kMixed},
      {1, 3, 64, 64, 1, 1, Shifts::kInteger},  {5, 3, 2, 3, 1, 2, Shifts::kFar},
      // Large enough for 8-row groups (see GroupRows): stride 1 and 2, partial last groups,
      // two launches of channels, every shift kind.
      {32, 64, 56, 56, 1, 1, Shifts::kFraction}, {32, 64, 30, 17, 1, 1, Shifts::kMixed},
      {64, 128, 20, 20, 2, 2, Shifts::kFraction}, {32, 600, 14, 14, 1, 1, Shifts::kFraction},
      {48, 64, 23, 29, 1, 1, Shifts::kFar},     {48, 64, 23, 29, 3, 2, Shifts::kMixed},
      {48, 64, 23, 29, 1, 1, Shifts::kInteger},
      // Rows of a multiple of 4 columns with a horizontal stride of 1 (the 16-byte forward path):
      // 4-column rows, vertical strides 1-3, partial last groups, far and mixed shifts.
      {2, 5, 9, 4, 2, 1, Shifts::kFraction},    {3, 6, 7, 4, 1, 1, Shifts::kFar},
      {48, 64, 23, 28, 1, 1, Shifts::kFar},     {48, 64, 23, 28, 3, 1, Shifts::kMixed},
      {32, 64, 30, 16, 1, 1, Shifts::kMixed},   {16, 64, 28, 28, 1, 1, Shifts::kInteger},
      {2, 9, 19, 36, 2, 1, Shifts::kFar},       {1, 300, 12, 8, 1, 1, Shifts::kFraction},
  };
  uint32_t seed = 1;
  for (const Case& k : fixed) RunCase(k, seed++, stream, true);
  std::mt19937 rng(2024);
  const int kRandom = 300;
  for (int t = 0; t < kRandom; ++t) {
    auto r = [&](int lo, int hi) { return static_cast<int64_t>(std::uniform_int_distribution<int>(lo, hi)(rng)); };
    Case k{r(0, 3), r(1, 9), r(1, 21), r(1, 21), r(1, 3), r(1, 3), static_cast<Shifts>(r(0, 4))};
    RunCase(k, seed++, stream, false);
  }
  std::printf("  + %d random shapes (N 0-3, C 1-9, H/W 1-21, strides 1-3, every shift kind): %s\n",
              kRandom, failures ? "see failures above" : "ok");
}

// The forward with X and Y at addresses that are not 16-byte aligned (views into larger buffers)
// takes the scalar kernel instead of the 16-byte one: it must match the CPU kernels, and both
// kernels must give bitwise the same Y (same arithmetic in the same order).
void CheckMisaligned(cudaStream_t stream) {
  const ShiftGeometry g = ShiftGeometry::Make(4, 8, 56, 56, 1, 1);
  const size_t nx = g.planes() * g.in_plane(), ny = g.planes() * g.out_plane();
  std::mt19937 rng(99);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f), sh(-6.0f, 6.0f);
  std::vector<float> x(nx), shift(2 * g.c);
  for (float& v : x) v = u(rng);
  for (float& v : shift) v = sh(rng);
  std::vector<float> y_cpu(ny);
  asnet::ActiveShiftForward(asnet::DetectIsa(), g, x.data(), shift.data(), y_cpu.data(), 0, g.planes());
  DeviceBuffer bx(nx + 1), by(ny + 1), ax(nx), ay(ny);
  CUDA_OK(cudaMemcpy(bx.ptr + 1, x.data(), nx * 4, cudaMemcpyHostToDevice));
  ax.Upload(x);
  CUDA_OK(asnet::cuda::LaunchActiveShiftForward(g, bx.ptr + 1, shift.data(), by.ptr + 1, stream));
  CUDA_OK(asnet::cuda::LaunchActiveShiftForward(g, ax.ptr, shift.data(), ay.ptr, stream));
  CUDA_OK(cudaStreamSynchronize(stream));
  std::vector<float> y, y_aligned;
  bool guards = by.Download(&y);
  guards &= ay.Download(&y_aligned);
  Compare cy;
  for (size_t i = 0; i < ny; ++i) cy.Add(i, y[i + 1], y_cpu[i], 1e-5);
  uint32_t head;
  std::memcpy(&head, &y[0], 4);
  const bool same = std::memcmp(y.data() + 1, y_aligned.data(), ny * 4) == 0;
  const bool ok = guards && !cy.bad && head == 0xffffffffu && same;
  ++checks;
  if (!ok) ++failures;
  std::printf("  %-4s forward on X and Y offset by 4 bytes (scalar kernel): Y %.1e, %s\n",
              ok ? "ok" : "FAIL", cy.max_err,
              same ? "bitwise equal to the 16-byte kernel" : "DIFFERS FROM THE 16-BYTE KERNEL");
}

// ---- speed ----------------------------------------------------------------------------------
__global__ void FillKernel(float* p, size_t n, uint32_t seed) {
  for (size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<size_t>(gridDim.x) * blockDim.x) {
    uint32_t h = static_cast<uint32_t>(i) * 2654435761u ^ seed;
    h ^= h >> 16;
    h *= 2246822519u;
    h ^= h >> 13;
    p[i] = static_cast<float>(h & 0xffffff) / 8388608.0f - 1.0f;
  }
}

template <typename Fn>
double MedianMs(cudaStream_t stream, int iters, Fn&& fn) {
  cudaEvent_t a, b;
  CUDA_OK(cudaEventCreate(&a));
  CUDA_OK(cudaEventCreate(&b));
  for (int w = 0; w < 3; ++w) fn();  // warm-up (pool, caches, clocks)
  std::vector<double> runs;
  for (int r = 0; r < 7; ++r) {
    CUDA_OK(cudaEventRecord(a, stream));
    for (int i = 0; i < iters; ++i) fn();
    CUDA_OK(cudaEventRecord(b, stream));
    CUDA_OK(cudaEventSynchronize(b));
    float ms = 0;
    CUDA_OK(cudaEventElapsedTime(&ms, a, b));
    runs.push_back(ms / iters);
  }
  CUDA_OK(cudaEventDestroy(a));
  CUDA_OK(cudaEventDestroy(b));
  std::sort(runs.begin(), runs.end());
  return runs[runs.size() / 2];
}

struct Goal {
  bool measured = false, fwd_met = false, grad_met = false;
};

void Speed(cudaStream_t stream, Goal* goal) {
  struct Shape {
    int64_t n, c, h, w, s;
  };
  const Shape shapes[] = {{32, 128, 56, 56, 1}, {32, 256, 28, 28, 1}, {32, 512, 14, 14, 1},
                          {32, 1024, 7, 7, 1},  {32, 64, 112, 112, 1}, {32, 128, 56, 56, 2},
                          {1, 128, 56, 56, 1},  {8, 128, 56, 56, 1}};
  std::printf("\nSpeed (median of 7 runs; GB/s = bytes read + written once / time; copy = D2D "
              "cudaMemcpyAsync of X, GB/s = 2*|X| / time):\n");
  std::printf("  %-22s %4s %9s %9s %6s %9s %9s %6s %9s %9s\n", "shape [N,C,H,W]", "s", "fwd us",
              "fwd GB/s", "%copy", "grad us", "grad GB/s", "%copy", "copy us", "copy GB/s");
  for (const Shape& s : shapes) {
    const ShiftGeometry g = ShiftGeometry::Make(s.n, s.c, s.h, s.w, s.s, s.s);
    const size_t nx = g.planes() * g.in_plane(), ny = g.planes() * g.out_plane();
    float *x, *y, *dy, *dx, *ds, *copy;
    CUDA_OK(cudaMalloc(&x, nx * 4));
    CUDA_OK(cudaMalloc(&copy, nx * 4));
    CUDA_OK(cudaMalloc(&dx, nx * 4));
    CUDA_OK(cudaMalloc(&y, ny * 4));
    CUDA_OK(cudaMalloc(&dy, ny * 4));
    CUDA_OK(cudaMalloc(&ds, g.c * 8));
    FillKernel<<<1024, 256, 0, stream>>>(x, nx, 11);
    FillKernel<<<1024, 256, 0, stream>>>(dy, ny, 12);
    CUDA_OK(cudaGetLastError());
    std::mt19937 rng(5);
    std::uniform_real_distribution<float> u(-3.0f, 3.0f);
    std::vector<float> shift(2 * g.c);
    for (float& v : shift) v = u(rng);
    const int iters = nx > (1u << 22) ? 20 : 100;
    const double copy_ms = MedianMs(stream, iters, [&] {
      CUDA_OK(cudaMemcpyAsync(copy, x, nx * 4, cudaMemcpyDeviceToDevice, stream));
    });
    const double fwd_ms = MedianMs(stream, iters, [&] {
      CUDA_OK(asnet::cuda::LaunchActiveShiftForward(g, x, shift.data(), y, stream));
    });
    const double grad_ms = MedianMs(stream, iters, [&] {
      CUDA_OK(asnet::cuda::LaunchActiveShiftGrad(g, dy, x, shift.data(), dx, ds, stream));
    });
    CUDA_OK(cudaStreamSynchronize(stream));
    const double copy_gbs = 2.0 * nx * 4 / (copy_ms * 1e6);
    const double fwd_gbs = (nx + ny) * 4.0 / (fwd_ms * 1e6);
    const double grad_gbs = (ny + 2.0 * nx) * 4.0 / (grad_ms * 1e6);
    char name[64];
    std::snprintf(name, sizeof name, "[%lld,%lld,%lld,%lld]", (long long)s.n, (long long)s.c,
                  (long long)s.h, (long long)s.w);
    std::printf("  %-22s %4lld %9.1f %9.0f %5.0f%% %9.1f %9.0f %5.0f%% %9.1f %9.0f\n", name,
                (long long)s.s, fwd_ms * 1e3, fwd_gbs, 100 * fwd_gbs / copy_gbs, grad_ms * 1e3,
                grad_gbs, 100 * grad_gbs / copy_gbs, copy_ms * 1e3, copy_gbs);
    if (s.n == 32 && s.c == 128 && s.h == 56 && s.s == 1) {
      goal->measured = true;
      goal->fwd_met = fwd_gbs >= 0.70 * copy_gbs;
      goal->grad_met = grad_gbs >= 0.40 * copy_gbs;
    }
    for (float* p : {x, y, dy, dx, ds, copy}) CUDA_OK(cudaFree(p));
  }
}

}  // namespace

int main(int argc, char** argv) {
  const bool speed = !(argc > 1 && std::strcmp(argv[1], "--no-speed") == 0);
  int dev = 0;
  CUDA_OK(cudaGetDevice(&dev));
  cudaDeviceProp prop;
  CUDA_OK(cudaGetDeviceProperties(&prop, dev));
  int driver = 0, runtime = 0;
  CUDA_OK(cudaDriverGetVersion(&driver));
  CUDA_OK(cudaRuntimeGetVersion(&runtime));
  std::printf("asnet GPU check on %s (sm_%d%d, %d SMs, %.0f GiB), driver API %d, runtime %d\n\n",
              prop.name, prop.major, prop.minor, prop.multiProcessorCount,
              prop.totalGlobalMem / 1073741824.0, driver, runtime);
  // ONNX Runtime hands the kernels a non-blocking stream of its own: do the same.
  cudaStream_t stream;
  CUDA_OK(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));

  CheckFastDiv();
  CheckCorrectness(stream);
  CheckMisaligned(stream);
  Goal goal;
  if (speed) Speed(stream, &goal);
  CUDA_OK(cudaStreamDestroy(stream));

  std::printf("\nSUMMARY: correctness %s (%d checks, %d failed)", failures ? "FAILED" : "passed",
              checks, failures);
  if (goal.measured) {
    std::printf("; goals on [32,128,56,56]: forward >= 70%% of copy %s, gradient >= 40%% %s",
                goal.fwd_met ? "MET" : "NOT MET", goal.grad_met ? "MET" : "NOT MET");
  }
  std::printf("\n");
  return failures ? 1 : 0;
}
