// Session 12 measurement, not product code: can a pointwise (1x1) convolution of our own, on ONNX
// Runtime's blocked NCHWc tensors, be as fast as ONNX Runtime's? That is the precondition the
// issue sets for fusing the Active Shift into the convolution that follows it ("it only pays if
// that convolution stays as fast as ORT's"). Compare its times with the per-node times of
// AS-ResNet-w32's Conv nodes in ONNX Runtime's own trace (asnet bench --keep-profiles, then
// node-times.py): same shapes, one thread.
//
// The kernel is the plain register-blocked form (the one MLAS's NCHWc pointwise kernel also
// uses): for a group of F output blocks of 16 channels and P output pixels, F x P accumulators;
// per input channel, F weight vectors and P broadcast input values, F x P FMAs. A 1x1 convolution
// at stride 1 does not care about rows, so the pixels of a plane are one flat run (7x7: 8 tiles
// of 6 and one of 1). Epilogue: bias, optional residual Sum, ReLU, as ORT's fused NCHWc Conv.
// Checked against a double-precision loop on a sample of outputs.
//
// Build and run (AVX-512 machine): g++ -O3 -o pointwise-probe pointwise-probe.cc && ./pointwise-probe 7
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <vector>

namespace {

constexpr int kB = 16;  // NCHWc block (AVX-512)

// One tile: P pixels from p0 of F output blocks. x: [Cin/16][HW][16]; wg: this group's packed
// weights [Cin][F][16]; y and sum: the group's first output block plane, [F][HW][16].
template <int F, int P>
__attribute__((target("avx512f,fma"), always_inline)) inline void Tile(const float* x, int64_t hw, int cin_blocks,
                                                                       const float* wg, const float* bias,
                                                                       const float* sum, float* y, int64_t p0) {
  __m512 acc[P][F];
  for (int f = 0; f < F; ++f) {
    const __m512 bv = _mm512_loadu_ps(bias + f * kB);
    for (int p = 0; p < P; ++p) acc[p][f] = bv;
  }
  for (int cb = 0; cb < cin_blocks; ++cb) {
    const float* xp = x + (cb * hw + p0) * kB;
    const float* wp = wg + cb * kB * F * kB;
#pragma GCC unroll 16
    for (int ci = 0; ci < kB; ++ci) {
      __m512 w[F];
      for (int f = 0; f < F; ++f) w[f] = _mm512_load_ps(wp + (ci * F + f) * kB);
      for (int p = 0; p < P; ++p) {
        const __m512 xv = _mm512_set1_ps(xp[p * kB + ci]);
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

// All pixels of F output blocks: tiles of P = 24 / F pixels (24 accumulators), then single pixels.
template <int F>
__attribute__((target("avx512f,fma"))) void Group(const float* x, int64_t hw, int cin_blocks, const float* wg,
                                                  const float* bias, const float* sum, float* y) {
  constexpr int P = F == 4 ? 6 : (F == 2 ? 12 : 14);
  int64_t p0 = 0;
  for (; p0 + P <= hw; p0 += P) Tile<F, P>(x, hw, cin_blocks, wg, bias, sum, y, p0);
  for (; p0 < hw; ++p0) Tile<F, 1>(x, hw, cin_blocks, wg, bias, sum, y, p0);
}

// Y = ReLU(W X + bias (+ sum)); Cin and Cout multiples of 16; wpk packed by Pack.
void Conv(const float* x, int64_t hw, int cin, int cout, const float* wpk, const float* bias, const float* sum,
          float* y) {
  const int cin_blocks = cin / kB, cout_blocks = cout / kB;
  int ob = 0;
  const float* wg = wpk;
  auto at = [&](const float* t) { return t != nullptr ? t + ob * hw * kB : nullptr; };
  for (; ob + 4 <= cout_blocks; ob += 4, wg += cin * 4 * kB) Group<4>(x, hw, cin_blocks, wg, bias + ob * kB, at(sum), y + ob * hw * kB);
  for (; ob + 2 <= cout_blocks; ob += 2, wg += cin * 2 * kB) Group<2>(x, hw, cin_blocks, wg, bias + ob * kB, at(sum), y + ob * hw * kB);
  for (; ob < cout_blocks; ++ob, wg += cin * kB) Group<1>(x, hw, cin_blocks, wg, bias + ob * kB, at(sum), y + ob * hw * kB);
}

// W [Cout][Cin] into the groups Conv walks: groups of 4, then 2, then 1 output blocks, each [Cin][F][16].
void Pack(const std::vector<float>& w, int cin, int cout, float* d) {
  const int cout_blocks = cout / kB;
  int ob = 0;
  auto pack = [&](int f_count) {
    for (int ci = 0; ci < cin; ++ci)
      for (int f = 0; f < f_count; ++f)
        for (int l = 0; l < kB; ++l) *d++ = w[((ob + f) * kB + l) * cin + ci];
    ob += f_count;
  };
  while (ob + 4 <= cout_blocks) pack(4);
  while (ob + 2 <= cout_blocks) pack(2);
  while (ob < cout_blocks) pack(1);
}

double ThreadSeconds() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::max(1, atoi(argv[1])) : 7;
  struct Shape {
    int cin, h, cout;
    bool sum;
  };
  // AS-ResNet-w32's pointwise convolutions at 224x224 (conv1: ReLU; conv2: + the residual).
  const std::vector<Shape> shapes = {{32, 112, 32, false}, {32, 112, 32, true}, {32, 56, 32, false},
                                     {32, 56, 32, true},   {64, 28, 64, false}, {128, 14, 128, false},
                                     {256, 7, 256, false}, {32, 56, 64, false}, {128, 14, 256, false}};
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> u(-1, 1);
  std::printf("pointwise conv, NCHWc b=16, AVX-512, one thread (thread CPU time), median of %d rounds\n", rounds);
  std::printf("shape                    us      GMAC/s  max abs error\n");
  for (const Shape& s : shapes) {
    const int64_t hw = static_cast<int64_t>(s.h) * s.h;
    std::vector<float> x(s.cin * hw), w(s.cout * s.cin), bias(s.cout), sum(s.cout * hw), y(s.cout * hw);
    for (auto& v : x) v = u(rng);
    for (auto& v : w) v = 0.1f * u(rng);
    for (auto& v : bias) v = u(rng);
    for (auto& v : sum) v = u(rng);
    float* wpk = static_cast<float*>(std::aligned_alloc(64, sizeof(float) * s.cout * s.cin));
    Pack(w, s.cin, s.cout, wpk);
    const float* sp = s.sum ? sum.data() : nullptr;
    Conv(x.data(), hw, s.cin, s.cout, wpk, bias.data(), sp, y.data());
    double err = 0;
    for (int co = 0; co < s.cout; co += 7) {
      for (int64_t p = 0; p < hw; p += 5) {
        double a = bias[co];
        for (int ci = 0; ci < s.cin; ++ci) a += double(w[co * s.cin + ci]) * x[((ci / kB) * hw + p) * kB + ci % kB];
        if (s.sum) a += sum[((co / kB) * hw + p) * kB + co % kB];
        err = std::max(err, std::fabs(std::max(a, 0.0) - y[((co / kB) * hw + p) * kB + co % kB]));
      }
    }
    const double macs = double(s.cin) * s.cout * hw;
    const int reps = std::max(3, static_cast<int>(2e7 / macs));
    std::vector<double> t;
    for (int r = 0; r < rounds; ++r) {
      const double t0 = ThreadSeconds();
      for (int k = 0; k < reps; ++k) Conv(x.data(), hw, s.cin, s.cout, wpk, bias.data(), sp, y.data());
      t.push_back((ThreadSeconds() - t0) / reps * 1e6);
    }
    std::sort(t.begin(), t.end());
    const double med = t[t.size() / 2];
    std::printf("%3dx%3dx%3d -> %3d%s %8.2f  %6.1f  %.2g\n", s.cin, s.h, s.h, s.cout, s.sum ? " +sum" : "     ", med,
                macs / med / 1e3, err);
    std::free(wpk);
  }
}
