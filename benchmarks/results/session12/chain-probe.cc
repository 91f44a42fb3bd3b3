// Session 12 measurement, not product code: an AS-ResNet block's pointwise conv -> Active Shift ->
// pointwise conv (+ residual) chain, computed two ways with the same convolution kernel:
//
//   A (today's layout): every tensor blocked NCHWc (b = 16); the shift is asnet's NCHWc kernel
//     (planar-row path for spread shifts: transposes in, arithmetic, transposes back).
//   B (planar shift): the first conv writes its output as NCHW planes (its 16-pixel x 16-channel
//     accumulator tiles transposed in registers before the store), the shift is asnet's NCHW
//     kernel (a channel's own offset is just an address there), and the second conv reads the NCHW
//     planes (its inner loop broadcasts one input value at a time, so its input layout costs
//     nothing) and writes NCHWc with the residual added.
//
// B would need the two convolutions to be ours (ONNX Runtime's NCHWc Conv only reads and writes
// NCHWc). The convolution is the plain register-blocked form MLAS's NCHWc pointwise kernel also
// uses (F output blocks x P pixels of accumulators; per input channel F weight vectors and P
// broadcast inputs; a 1x1 convolution at stride 1 treats a plane's pixels as one flat run), with
// bias, residual and ReLU in its epilogue: its "A conv1" / "A conv2" columns compare with the
// Conv nodes of ONNX Runtime's trace (asnet bench --keep-profiles, node-times.py) on the same
// shapes. Checks: A and B agree (max abs difference printed), and the conv against a plain loop.
//
// Arguments: FILE:CxHxW[/S] per layer, as asnet_kernel_bench's "layers" mode (a layer's shifts,
// 2C little-endian floats, e.g. from dump-shifts.py on an `asnet optimize` output). ASNET_BENCH_COLD=1:
// caches flushed before every timed call (16 MiB written), then the chain's input rewritten.
// Build against a build folder B of onnx-ops/native (Release; asnet_kernels built):
//   g++ -O3 -I onnx-ops/native/include chain-probe.cc B/CMakeFiles/asnet_kernels.dir/src/kernels/*.o -o chain-probe
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "asnet/active_shift.h"
#include "asnet/active_shift_nchwc.h"

namespace {

constexpr int kB = 16;

template <typename T>
struct Aligned {
  T* p = nullptr;
  size_t n = 0;
  explicit Aligned(size_t count) : p(static_cast<T*>(std::aligned_alloc(64, ((count * sizeof(T) + 63) / 64) * 64))), n(count) {
    std::fill(p, p + n, T{});
  }
  ~Aligned() { std::free(p); }
  Aligned(const Aligned&) = delete;
  Aligned& operator=(const Aligned&) = delete;
  T* data() { return p; }
  size_t size() const { return n; }
};

// Where input channel ci of pixel p is: blocked [Cin/16][HW][16] or planar [Cin][HW]. Tile
// addresses the 16 channels from ci0 (a multiple of 16) and the pixels from p0 through Base, then
// channel ci0 + k of pixel p0 + p at Base + Offset(hw, k, p): the same few instructions either way.
struct Blocked {
  static float At(const float* x, int64_t hw, int ci, int64_t p) { return x[((ci / kB) * hw + p) * kB + ci % kB]; }
  static const float* Base(const float* x, int64_t hw, int ci0, int64_t p0) { return x + ((ci0 / kB) * hw + p0) * kB; }
  static int64_t Offset(int64_t, int k, int p) { return p * kB + k; }
};
struct Planar {
  static const float* Base(const float* x, int64_t hw, int ci0, int64_t p0) { return x + ci0 * hw + p0; }
  static int64_t Offset(int64_t hw, int k, int p) { return k * hw + p; }
};

// Y (NCHWc) = ReLU(W X + bias (+ sum)) for F output blocks and P pixels from p0; weights of the
// group packed [Cin][F][16].
template <typename In, int F, int P>
__attribute__((target("avx512f,fma"), always_inline)) inline void TileToBlocked(const float* x, int64_t hw, int cin,
                                                                                const float* wg, const float* bias,
                                                                                const float* sum, float* y, int64_t p0) {
  __m512 acc[P][F];
  for (int f = 0; f < F; ++f) {
    const __m512 bv = _mm512_loadu_ps(bias + f * kB);
    for (int p = 0; p < P; ++p) acc[p][f] = bv;
  }
  for (int ci0 = 0; ci0 < cin; ci0 += kB) {
    const float* xb = In::Base(x, hw, ci0, p0);
    const float* wb = wg + ci0 * F * kB;
#pragma GCC unroll 16
    for (int k = 0; k < kB; ++k) {
      __m512 w[F];
      for (int f = 0; f < F; ++f) w[f] = _mm512_load_ps(wb + (k * F + f) * kB);
      for (int p = 0; p < P; ++p) {
        const __m512 xv = _mm512_set1_ps(xb[In::Offset(hw, k, p)]);
        for (int f = 0; f < F; ++f) acc[p][f] = _mm512_fmadd_ps(xv, w[f], acc[p][f]);
      }
    }
  }
  for (int f = 0; f < F; ++f) {
    for (int p = 0; p < P; ++p) {
      __m512 v = acc[p][f];
      if (sum != nullptr) v = _mm512_add_ps(v, _mm512_loadu_ps(sum + (f * hw + p0 + p) * kB));
      _mm512_storeu_ps(y + (f * hw + p0 + p) * kB, _mm512_max_ps(v, _mm512_setzero_ps()));
    }
  }
}

template <typename In, int F>
__attribute__((target("avx512f,fma"))) void GroupToBlocked(const float* x, int64_t hw, int cin, const float* wg,
                                                           const float* bias, const float* sum, float* y) {
  constexpr int P = F == 4 ? 6 : (F == 2 ? 12 : 14);
  int64_t p0 = 0;
  for (; p0 + P <= hw; p0 += P) TileToBlocked<In, F, P>(x, hw, cin, wg, bias, sum, y, p0);
  for (; p0 < hw; ++p0) TileToBlocked<In, F, 1>(x, hw, cin, wg, bias, sum, y, p0);
}

// Packed weights for the NCHWc-output kernels: groups of 4, then 2, then 1 output blocks, each [Cin][F][16].
std::vector<float> PackGroups(const std::vector<float>& w, int cin, int cout) {
  std::vector<float> d;
  int ob = 0;
  auto pack = [&](int f_count) {
    for (int ci = 0; ci < cin; ++ci)
      for (int f = 0; f < f_count; ++f)
        for (int l = 0; l < kB; ++l) d.push_back(w[((ob + f) * kB + l) * cin + ci]);
    ob += f_count;
  };
  while (ob + 4 <= cout / kB) pack(4);
  while (ob + 2 <= cout / kB) pack(2);
  while (ob < cout / kB) pack(1);
  return d;
}

template <typename In>
void ConvToBlocked(const float* x, int64_t hw, int cin, int cout, const float* wpk, const float* bias,
                   const float* sum, float* y) {
  int ob = 0;
  const float* wg = wpk;
  auto at = [&](const float* t) { return t != nullptr ? t + ob * hw * kB : nullptr; };
  for (; ob + 4 <= cout / kB; ob += 4, wg += cin * 4 * kB) GroupToBlocked<In, 4>(x, hw, cin, wg, bias + ob * kB, at(sum), y + ob * hw * kB);
  for (; ob + 2 <= cout / kB; ob += 2, wg += cin * 2 * kB) GroupToBlocked<In, 2>(x, hw, cin, wg, bias + ob * kB, at(sum), y + ob * hw * kB);
  for (; ob < cout / kB; ++ob, wg += cin * kB) GroupToBlocked<In, 1>(x, hw, cin, wg, bias + ob * kB, at(sum), y + ob * hw * kB);
}

// 16 x 16 transpose in registers: v[k] lane l -> v[l] lane k.
__attribute__((target("avx512f"), always_inline)) inline void Transpose16(__m512* v) {
  __m512 a[16], c[16];
  for (int k = 0; k < 8; ++k) {
    a[2 * k] = _mm512_unpacklo_ps(v[2 * k], v[2 * k + 1]);
    a[2 * k + 1] = _mm512_unpackhi_ps(v[2 * k], v[2 * k + 1]);
  }
  for (int k = 0; k < 4; ++k) {
    c[4 * k + 0] = _mm512_shuffle_ps(a[4 * k], a[4 * k + 2], _MM_SHUFFLE(1, 0, 1, 0));
    c[4 * k + 1] = _mm512_shuffle_ps(a[4 * k], a[4 * k + 2], _MM_SHUFFLE(3, 2, 3, 2));
    c[4 * k + 2] = _mm512_shuffle_ps(a[4 * k + 1], a[4 * k + 3], _MM_SHUFFLE(1, 0, 1, 0));
    c[4 * k + 3] = _mm512_shuffle_ps(a[4 * k + 1], a[4 * k + 3], _MM_SHUFFLE(3, 2, 3, 2));
  }
  for (int m = 0; m < 4; ++m) {
    const __m512 d0 = _mm512_shuffle_f32x4(c[m], c[4 + m], 0x88);
    const __m512 d1 = _mm512_shuffle_f32x4(c[m], c[4 + m], 0xDD);
    const __m512 d2 = _mm512_shuffle_f32x4(c[8 + m], c[12 + m], 0x88);
    const __m512 d3 = _mm512_shuffle_f32x4(c[8 + m], c[12 + m], 0xDD);
    v[m] = _mm512_shuffle_f32x4(d0, d2, 0x88);
    v[4 + m] = _mm512_shuffle_f32x4(d1, d3, 0x88);
    v[8 + m] = _mm512_shuffle_f32x4(d0, d2, 0xDD);
    v[12 + m] = _mm512_shuffle_f32x4(d1, d3, 0xDD);
  }
}

// Y (NCHW planes) = ReLU(W X + bias), X blocked. With two or more output blocks: tiles of 12
// pixels x 2 output blocks (24 accumulators, as many FMAs per loaded value as the blocked-output
// kernel), each block's 12 accumulators (one per pixel, 16 channels each; 4 zero vectors added)
// transposed into 16 channel rows of 12 pixels. Weights packed as PackGroups does for F = 2.
__attribute__((target("avx512f,fma"))) void ConvBlockedToPlanar2(const float* x, int64_t hw, int cin, int cout,
                                                                 const float* wpk, const float* bias, float* y) {
  constexpr int P = 12;
  for (int ob = 0; ob + 2 <= cout / kB; ob += 2) {
    const float* wg = wpk + ob * cin * kB;
    const __m512 bv0 = _mm512_loadu_ps(bias + ob * kB), bv1 = _mm512_loadu_ps(bias + (ob + 1) * kB);
    int64_t p0 = 0;
    for (; p0 + P <= hw; p0 += P) {
      __m512 acc[2][16];
      for (int p = 0; p < P; ++p) acc[0][p] = bv0, acc[1][p] = bv1;
      for (int ci0 = 0; ci0 < cin; ci0 += kB) {
        const float* xp = x + ((ci0 / kB) * hw + p0) * kB;
#pragma GCC unroll 16
        for (int ci = 0; ci < kB; ++ci) {
          const __m512 w0 = _mm512_load_ps(wg + ((ci0 + ci) * 2) * kB), w1 = _mm512_load_ps(wg + ((ci0 + ci) * 2 + 1) * kB);
          for (int p = 0; p < P; ++p) {
            const __m512 xv = _mm512_set1_ps(xp[p * kB + ci]);
            acc[0][p] = _mm512_fmadd_ps(xv, w0, acc[0][p]);
            acc[1][p] = _mm512_fmadd_ps(xv, w1, acc[1][p]);
          }
        }
      }
      for (int f = 0; f < 2; ++f) {
        for (int p = 0; p < P; ++p) acc[f][p] = _mm512_max_ps(acc[f][p], _mm512_setzero_ps());
        for (int p = P; p < 16; ++p) acc[f][p] = _mm512_setzero_ps();
        Transpose16(acc[f]);
        for (int l = 0; l < kB; ++l) _mm512_mask_storeu_ps(y + ((ob + f) * kB + l) * hw + p0, (1u << P) - 1, acc[f][l]);
      }
    }
    for (; p0 < hw; ++p0) {  // the last pixels one at a time
      for (int f = 0; f < 2; ++f) {
        __m512 acc = f == 0 ? bv0 : bv1;
        for (int ci = 0; ci < cin; ++ci)
          acc = _mm512_fmadd_ps(_mm512_set1_ps(Blocked::At(x, hw, ci, p0)), _mm512_load_ps(wg + (ci * 2 + f) * kB), acc);
        alignas(64) float lanes[kB];
        _mm512_store_ps(lanes, _mm512_max_ps(acc, _mm512_setzero_ps()));
        for (int l = 0; l < kB; ++l) y[((ob + f) * kB + l) * hw + p0] = lanes[l];
      }
    }
  }
}

// Y (NCHW planes) = ReLU(W X + bias), X blocked: tiles of 16 pixels x one output block, the
// accumulators (one per pixel, 16 channels each) transposed into 16 channel rows of 16 pixels.
// Weights packed [Cout/16][Cin][16].
__attribute__((target("avx512f,fma"))) void ConvBlockedToPlanar(const float* x, int64_t hw, int cin, int cout,
                                                                const float* wpk, const float* bias, float* y) {
  for (int ob = 0; ob < cout / kB; ++ob) {
    const float* wg = wpk + ob * cin * kB;
    const __m512 bv = _mm512_loadu_ps(bias + ob * kB);
    int64_t p0 = 0;
    for (; p0 + kB <= hw; p0 += kB) {
      __m512 acc[kB];
      for (int p = 0; p < kB; ++p) acc[p] = bv;
      for (int ci0 = 0; ci0 < cin; ci0 += kB) {
        const float* xp = x + ((ci0 / kB) * hw + p0) * kB;
#pragma GCC unroll 16
        for (int ci = 0; ci < kB; ++ci) {
          const __m512 w = _mm512_load_ps(wg + (ci0 + ci) * kB);
          for (int p = 0; p < kB; ++p) acc[p] = _mm512_fmadd_ps(_mm512_set1_ps(xp[p * kB + ci]), w, acc[p]);
        }
      }
      for (int p = 0; p < kB; ++p) acc[p] = _mm512_max_ps(acc[p], _mm512_setzero_ps());
      Transpose16(acc);
      for (int l = 0; l < kB; ++l) _mm512_storeu_ps(y + (ob * kB + l) * hw + p0, acc[l]);
    }
    for (; p0 < hw; ++p0) {  // the last pixels one at a time
      __m512 acc = bv;
      for (int ci = 0; ci < cin; ++ci)
        acc = _mm512_fmadd_ps(_mm512_set1_ps(Blocked::At(x, hw, ci, p0)), _mm512_load_ps(wg + ci * kB), acc);
      alignas(64) float lanes[kB];
      _mm512_store_ps(lanes, _mm512_max_ps(acc, _mm512_setzero_ps()));
      for (int l = 0; l < kB; ++l) y[(ob * kB + l) * hw + p0] = lanes[l];
    }
  }
}

double ThreadSeconds() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

bool cold = false;
std::vector<char> junk(size_t{16} << 20);

// Microseconds per call of fn over reps calls; cold: caches flushed before each call, then
// `warm` (the call's input) rewritten.
double Time(const std::function<void()>& fn, int reps, float* warm, size_t warm_floats) {
  double total = 0;
  for (int k = 0; k < reps; ++k) {
    if (cold) {
      for (size_t i = 0; i < junk.size(); i += 64) junk[i] = static_cast<char>(junk[i] + 1);
      volatile float* v = warm;
      for (size_t i = 0; i < warm_floats; i += 16) v[i] = v[i];
    }
    const double t0 = ThreadSeconds();
    fn();
    total += ThreadSeconds() - t0;
  }
  return total / reps * 1e6;
}

double Median(std::vector<double> t) {
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  cold = std::getenv("ASNET_BENCH_COLD") != nullptr;
  const int rounds = 7;
  const asnet::Isa isa = asnet::DetectIsa();
  if (isa != asnet::Isa::kAvx512) {
    std::fprintf(stderr, "needs AVX-512\n");
    return 2;
  }
  std::printf("conv1 -> shift -> conv2 (+sum), one thread, %s caches, median us of %d interleaved rounds\n", cold ? "cold" : "warm",
              rounds);
  std::printf("%-10s %-14s | %7s %7s %7s %7s | %7s %7s %7s %7s | %5s %8s\n", "layer", "CxHxW/S", "A conv1", "shift",
              "conv2", "A all", "B conv1", "shift", "conv2", "B all", "A/B", "max|A-B|");
  double ta = 0, tb = 0;
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> u(-1, 1);
  for (int a = 1; a < argc; ++a) {
    const std::string arg = argv[a];
    const size_t colon = arg.rfind(':');
    long long c = 0, h = 0, w = 0, s = 1;
    if (colon == std::string::npos || std::sscanf(arg.c_str() + colon + 1, "%lldx%lldx%lld/%lld", &c, &h, &w, &s) < 3 ||
        c % kB != 0) {
      std::fprintf(stderr, "expected FILE:CxHxW[/S] with C a multiple of 16, got %s\n", arg.c_str());
      return 2;
    }
    std::vector<float> shift(2 * c);
    FILE* f = std::fopen(arg.substr(0, colon).c_str(), "rb");
    if (f == nullptr || std::fread(shift.data(), sizeof(float), shift.size(), f) != shift.size()) {
      std::fprintf(stderr, "cannot read %s\n", arg.c_str());
      return 2;
    }
    std::fclose(f);
    const int ci = static_cast<int>(c);
    const int64_t hw = h * w;
    const auto ng = asnet::NchwcGeometry::Make(1, c, h, w, kB, s, s);
    const int64_t ohw = ng.g.oh * ng.g.ow;
    Aligned<float> x0(c * hw), t1(c * hw), t2(c * ohw), p1(c * hw), p2(c * ohw), ya(c * ohw), yb(c * ohw), sum(c * ohw);
    for (size_t i = 0; i < x0.size(); ++i) x0.data()[i] = u(rng);
    for (size_t i = 0; i < sum.size(); ++i) sum.data()[i] = u(rng);
    std::vector<float> w1(c * c), w2(c * c), b1(c), b2(c);
    for (auto& v : w1) v = 0.2f * u(rng);
    for (auto& v : w2) v = 0.2f * u(rng);
    for (auto& v : b1) v = 0.1f * u(rng);
    for (auto& v : b2) v = 0.1f * u(rng);
    const std::vector<float> w1g = PackGroups(w1, ci, ci), w2g = PackGroups(w2, ci, ci);
    std::vector<float> w1p;  // [Cout/16][Cin][16]
    for (int ob = 0; ob < ci / kB; ++ob)
      for (int k = 0; k < ci; ++k)
        for (int l = 0; l < kB; ++l) w1p.push_back(w1[(ob * kB + l) * ci + k]);
    Aligned<float> w1ga(w1g.size()), w2ga(w2g.size()), w1pa(w1p.size());
    std::copy(w1g.begin(), w1g.end(), w1ga.data());
    std::copy(w2g.begin(), w2g.end(), w2ga.data());
    std::copy(w1p.begin(), w1p.end(), w1pa.data());
    std::vector<asnet::NchwcBlockPlan> plans(ng.blocks);
    asnet::ActiveShiftNchwcMakePlans(isa, ng, shift.data(), plans.data());
    const asnet::ShiftGeometry g = asnet::ShiftGeometry::Make(1, c, h, w, s, s);

    auto a_conv1 = [&] { ConvToBlocked<Blocked>(x0.data(), hw, ci, ci, w1ga.data(), b1.data(), nullptr, t1.data()); };
    auto a_shift = [&] { asnet::ActiveShiftNchwcForward(isa, ng, t1.data(), shift.data(), t2.data(), 0, ng.rows(), plans.data()); };
    auto a_conv2 = [&] { ConvToBlocked<Blocked>(t2.data(), ohw, ci, ci, w2ga.data(), b2.data(), sum.data(), ya.data()); };
    // Two output blocks per tile where C allows (C a multiple of 32), else one.
    std::vector<float> w1q;  // [Cout/32][Cin][2][16]
    for (int ob = 0; ob + 2 <= ci / kB; ob += 2)
      for (int k = 0; k < ci; ++k)
        for (int f = 0; f < 2; ++f)
          for (int l = 0; l < kB; ++l) w1q.push_back(w1[((ob + f) * kB + l) * ci + k]);
    Aligned<float> w1qa(std::max<size_t>(1, w1q.size()));
    std::copy(w1q.begin(), w1q.end(), w1qa.data());
    auto b_conv1 = [&] {
      if (ci % (2 * kB) == 0) {
        ConvBlockedToPlanar2(x0.data(), hw, ci, ci, w1qa.data(), b1.data(), p1.data());
      } else {
        ConvBlockedToPlanar(x0.data(), hw, ci, ci, w1pa.data(), b1.data(), p1.data());
      }
    };
    auto b_shift = [&] { asnet::ActiveShiftForward(isa, g, p1.data(), shift.data(), p2.data(), 0, g.planes()); };
    auto b_conv2 = [&] { ConvToBlocked<Planar>(p2.data(), ohw, ci, ci, w2ga.data(), b2.data(), sum.data(), yb.data()); };
    a_conv1(), a_shift(), a_conv2(), b_conv1(), b_shift(), b_conv2();
    double diff = 0, scale = 0;
    for (size_t i = 0; i < ya.size(); ++i) {
      diff = std::max(diff, double(std::fabs(ya.data()[i] - yb.data()[i])));
      scale = std::max(scale, double(std::fabs(ya.data()[i])));
    }
    // The conv itself against a plain loop, on a sample (A's conv1: t1 from x0).
    double err = 0;
    for (int co = 0; co < ci; co += 5)
      for (int64_t p = 0; p < hw; p += 7) {
        double v = b1[co];
        for (int k = 0; k < ci; ++k) v += double(w1[co * ci + k]) * Blocked::At(x0.data(), hw, k, p);
        err = std::max(err, std::fabs(std::max(v, 0.0) - Blocked::At(t1.data(), hw, co, p)));
      }
    if (err > 1e-4 || diff > 1e-4 * std::max(1.0, scale)) {
      std::fprintf(stderr, "%s: results differ (conv error %g, A-B %g)\n", arg.c_str(), err, diff);
      return 1;
    }
    const int reps = static_cast<int>(std::max<int64_t>(2, 3000000 / (c * c * hw / 16)));
    // The eight timings interleaved round by round (A and B see the same machine phases).
    const size_t n_in = x0.size();
    const std::function<void()> fns[8] = {a_conv1, a_shift, a_conv2, [&] { a_conv1(), a_shift(), a_conv2(); },
                                          b_conv1, b_shift, b_conv2, [&] { b_conv1(), b_shift(), b_conv2(); }};
    float* inputs[8] = {x0.data(), t1.data(), t2.data(), x0.data(), x0.data(), p1.data(), p2.data(), x0.data()};
    const size_t sizes[8] = {n_in, t1.size(), t2.size(), n_in, n_in, p1.size(), p2.size(), n_in};
    std::vector<double> samples[8];
    for (int r = 0; r < rounds; ++r) {
      for (int k = 0; k < 8; ++k) samples[k].push_back(Time(fns[k], reps, inputs[k], sizes[k]));
    }
    const double a1 = Median(samples[0]), as = Median(samples[1]), a2 = Median(samples[2]), aa = Median(samples[3]);
    const double b1t = Median(samples[4]), bs = Median(samples[5]), b2t = Median(samples[6]), ba = Median(samples[7]);
    ta += aa;
    tb += ba;
    std::printf("%-10s %4lldx%3lldx%-3lld/%lld | %7.2f %7.2f %7.2f %7.2f | %7.2f %7.2f %7.2f %7.2f | %5.2f %8.2g\n",
                arg.substr(0, colon).c_str(), c, h, w, s, a1, as, a2, aa, b1t, bs, b2t, ba, aa / ba, diff);
  }
  std::printf("%-25s | %31.2f | %31.2f | %5.2f\n", "total", ta, tb, ta / tb);
  return 0;
}
