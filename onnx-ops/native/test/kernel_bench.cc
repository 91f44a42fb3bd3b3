// asnet_kernel_bench: single-thread timings of the ActiveShift kernels called directly (no ONNX
// Runtime), against a ReLU pass over the same tensor as the memory-bound floor. A development
// tool, never run by the tests (timings depend on the machine and its load).
//
//   asnet_kernel_bench [rounds] [filter]   medians of interleaved rounds, microseconds per call;
//   filter: only NCHWc cases whose "CxHxW/isa/b" contains it (e.g. 7x7/avx512/16), for profiling;
//   "nchw": only the NCHW kernel's table; "u8": the uint8 kernels (channels-last and NCHW) against the float NCHWc kernel and elementwise passes
//   asnet_kernel_bench [rounds] layers FILE:CxHxW...   a real model's layers (see BenchLayers)
//   asnet_kernel_bench [rounds] u8layers FILE:CxHxW...   the same with the uint8 channels-last kernel
//   asnet_kernel_bench [rounds] affine   ChannelAffineU8 (NCHW and channels-last) against a byte pass
//   asnet_kernel_bench [rounds] training   the fused BN-ReLU-shift training kernels against the
//   separate ones, on AS-ResNet20-16x3's shapes at batch 64 (see BenchTraining)
//
// NCHWc cases run the op's kernel on a blocked tensor for each block size the CPU can vectorize,
// both planning per call ("nchwc") and with plans made beforehand as the op caches them for a
// constant shift ("planned"), with shift distributions from "one integer offset per block" to U(-4.7, 4.7) unsorted; NCHW
// cases cover the small maps (14x14, 7x7) where a per-plane fixed cost shows.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <new>
#include <random>
#include <ctime>
#include <string>
#include <vector>

#include "asnet/active_shift.h"
#include "asnet/active_shift_nchwc.h"
#include "asnet/active_shift_u8.h"
#include "asnet/channel_affine_u8.h"
#include "asnet/batch_norm.h"
#include "asnet/bn_relu_shift.h"
#include "test_util.h"

namespace {

double Seconds(const std::function<void()>& fn, int reps) {
  const auto t0 = std::chrono::steady_clock::now();
  for (int r = 0; r < reps; ++r) fn();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / reps;
}

// Shifts for C channels: "one" (one offset), "u1" U(-1,1), "u2" U(-2,2), "u47" U(-4.7,4.7)
// (unsorted), "trained" (about 16 distinct offsets per layer, channels sorted by offset as an
// exporter pass would), "gK" (K offsets per 16 channels, in runs: the kernels' paths by group count).
std::vector<float> Draw(const std::string& kind, int64_t c, std::mt19937& rng) {
  std::uniform_real_distribution<float> u(-1.0f, 1.0f), frac(0.0f, 1.0f);
  std::normal_distribution<float> gauss(0.0f, 1.5f);
  std::vector<float> s(2 * c);
  if (kind == "trained") {
    std::vector<std::pair<float, float>> offsets;
    for (int k = 0; k < 16; ++k) offsets.push_back({std::floor(gauss(rng)), std::floor(gauss(rng))});
    std::vector<std::pair<float, float>> ch;
    for (int64_t i = 0; i < c; ++i) {
      // Skewed use of offsets: the small ones dominate, like trained layers.
      const int k = std::min<int>(15, static_cast<int>(std::fabs(gauss(rng)) * 3));
      ch.push_back({offsets[k].first + frac(rng), offsets[k].second + frac(rng)});
    }
    std::sort(ch.begin(), ch.end(), [](auto a, auto b) {
      return std::floor(a.second) != std::floor(b.second) ? std::floor(a.second) < std::floor(b.second)
                                                          : std::floor(a.first) < std::floor(b.first);
    });
    for (int64_t i = 0; i < c; ++i) {
      s[2 * i] = ch[i].first;
      s[2 * i + 1] = ch[i].second;
    }
    return s;
  }
  if (kind[0] == 'g') {  // "gK": K offsets per 16 channels, in runs (as after sorting), offsets within +-2
    const int k = std::atoi(kind.c_str() + 1);
    for (int64_t i = 0; i < c; ++i) {
      const int64_t g = (i % 16) * k / 16;  // this channel's offset in its block
      s[2 * i] = static_cast<float>(g % 5 - 2) + frac(rng);
      s[2 * i + 1] = static_cast<float>(g / 5 - 1) + frac(rng);
    }
    return s;
  }
  for (int64_t i = 0; i < c; ++i) {
    if (kind == "one") {
      s[2 * i] = frac(rng) - 1.0f;
      s[2 * i + 1] = frac(rng);
    } else {
      // "uR": U(-R, R) unsorted, R in {1, 1.5, 2, 4.7}
      const float r = kind == "u1" ? 1.0f : kind == "u1.5" ? 1.5f : kind == "u2" ? 2.0f : 4.7f;
      s[2 * i] = r * u(rng);
      s[2 * i + 1] = r * u(rng);
    }
  }
  return s;
}

// Average distinct integer offsets per block of b channels.
double GroupsPerBlock(const std::vector<float>& s, int64_t c, int64_t b) {
  double total = 0;
  int64_t blocks = 0;
  for (int64_t c0 = 0; c0 < c; c0 += b, ++blocks) {
    std::vector<std::pair<float, float>> seen;
    for (int64_t i = c0; i < std::min(c, c0 + b); ++i) {
      const std::pair<float, float> o = {std::floor(s[2 * i]), std::floor(s[2 * i + 1])};
      if (std::find(seen.begin(), seen.end(), o) == seen.end()) seen.push_back(o);
    }
    total += seen.size();
  }
  return total / blocks;
}

// The ReLU floor, compiled for the widest vectors the CPU has (as ONNX Runtime's is).
__attribute__((target("avx512f"))) void Relu512(const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}
__attribute__((target("avx2"))) void Relu256(const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}
void Relu(const float* x, float* y, int64_t n) {
  static const bool avx512 = __builtin_cpu_supports("avx512f");
  if (avx512) {
    Relu512(x, y, n);
  } else {
    Relu256(x, y, n);
  }
}

// 64-byte aligned buffers, as ONNX Runtime's CPU allocator gives: with malloc's 16-byte alignment
// every 64-byte pixel-block would straddle two cache lines and the timings would not be ORT's.
template <typename T>
struct AlignedAllocator {
  using value_type = T;
  AlignedAllocator() = default;
  template <typename U>
  AlignedAllocator(const AlignedAllocator<U>&) {}
  T* allocate(size_t n) {
    void* p = std::aligned_alloc(64, (n * sizeof(T) + 63) / 64 * 64);
    if (p == nullptr) throw std::bad_alloc();
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t) { std::free(p); }
  template <typename U>
  bool operator==(const AlignedAllocator<U>&) const { return true; }
  template <typename U>
  bool operator!=(const AlignedAllocator<U>&) const { return false; }
};
using Floats = std::vector<float, AlignedAllocator<float>>;

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Thread CPU time per call: less disturbed than wall time when other processes share the cores.
double CpuSeconds(const std::function<void()>& fn, int reps) {
  timespec a{}, b{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
  for (int r = 0; r < reps; ++r) fn();
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
  return ((b.tv_sec - a.tv_sec) + 1e-9 * (b.tv_nsec - a.tv_nsec)) / reps;
}

// The same as inside a network, where other layers ran since the last call and the layer before
// has just written the input: before each call (not timed) 16 MiB are written, evicting the
// call's output, stack buffers, plans and code from the core's caches, and then the input
// (`in`, `bytes`) is written again, as its producer would.
double ColdCpuSeconds(const std::function<void()>& fn, int reps, float* in, size_t bytes) {
  static std::vector<char> junk(size_t{16} << 20);
  double total = 0;
  for (int r = 0; r < reps; ++r) {
    for (size_t i = 0; i < junk.size(); i += 64) junk[i] = static_cast<char>(junk[i] + 1);
    volatile float* v = in;
    for (size_t i = 0; i < bytes / sizeof(float); i += 16) v[i] = v[i];
    total += CpuSeconds(fn, 1);
  }
  return total / reps;
}

// A uint8 elementwise pass (what a QLinear Relu or a requantize costs at least): y = max(x, zp).
__attribute__((target("avx512bw"))) void ByteMax512(const uint8_t* x, uint8_t* y, int64_t n, uint8_t zp) {
  for (int64_t i = 0; i < n; ++i) y[i] = x[i] > zp ? x[i] : zp;
}
__attribute__((target("avx2"))) void ByteMax256(const uint8_t* x, uint8_t* y, int64_t n, uint8_t zp) {
  for (int64_t i = 0; i < n; ++i) y[i] = x[i] > zp ? x[i] : zp;
}
void ByteMax(const uint8_t* x, uint8_t* y, int64_t n, uint8_t zp) {
  static const bool avx512 = __builtin_cpu_supports("avx512bw");
  if (avx512) {
    ByteMax512(x, y, n, zp);
  } else {
    ByteMax256(x, y, n, zp);
  }
}

// ChannelAffineU8 (filter "affine"): the NCHW and channels-last kernels on AS-ResNet-w32's
// pre-activation shapes, against one byte pass (max with a constant) over the same tensor.
int BenchAffine(int rounds, std::mt19937& rng) {
  struct Shape {
    int64_t c, h, w;
  };
  const Shape shapes[] = {{32, 112, 112}, {64, 56, 56}, {128, 28, 28}, {256, 14, 14}, {512, 7, 7}, {48, 28, 28}};
  const asnet::Isa isa = asnet::DetectIsa();
  std::printf("ChannelAffineU8, %s, single thread (thread CPU time), medians of %d interleaved rounds, us per call\n",
              asnet::IsaName(isa), rounds);
  std::printf("%-14s %9s %9s %9s %9s %9s\n", "CxHxW", "nchw", "nhwc", "u8pass", "nchw/pass", "nhwc/pass");
  for (const Shape& sh : shapes) {
    const int64_t elems = sh.c * sh.h * sh.w;
    std::vector<uint8_t> x(elems), y(elems), r(elems);
    for (auto& v : x) v = static_cast<uint8_t>(rng() & 255);
    std::vector<int32_t> m(sh.c), o(sh.c), shifts(sh.c, 20);
    for (int64_t c = 0; c < sh.c; ++c) {
      m[c] = static_cast<int32_t>(rng() % (1 << 21)) - (1 << 20);
      o[c] = static_cast<int32_t>(rng() % (1 << 27)) - (1 << 26);
    }
    asnet::ChannelAffineU8Params p;
    p.multiplier = m.data();
    p.offset = o.data();
    p.shift = shifts.data();
    p.channels = sh.c;
    const int reps = static_cast<int>(std::max<int64_t>(1, 4000000 / elems));
    std::vector<std::vector<double>> t(3);
    for (int round = 0; round < rounds; ++round) {
      t[0].push_back(CpuSeconds([&] { asnet::ChannelAffineU8Planes(isa, p, x.data(), y.data(), sh.h * sh.w, 0, sh.c); }, reps));
      t[1].push_back(CpuSeconds([&] { asnet::ChannelAffineU8Pixels(isa, p, x.data(), y.data(), 0, sh.h * sh.w); }, reps));
      t[2].push_back(CpuSeconds([&] { ByteMax(x.data(), r.data(), elems, 3); }, reps));
    }
    std::printf("%4lldx%3lldx%-5lld %9.2f %9.2f %9.2f %9.2f %9.2f\n", (long long)sh.c, (long long)sh.h, (long long)sh.w,
                Median(t[0]) * 1e6, Median(t[1]) * 1e6, Median(t[2]) * 1e6, Median(t[0]) / Median(t[2]),
                Median(t[1]) / Median(t[2]));
  }
  return 0;
}

// uint8 kernels (filter "u8"): channels-last with plans made beforehand (as the op makes them once
// per call, included in "nhwc+plan"), NCHW, the float NCHWc kernel (block 16, planned) on the same
// logical tensor, and the byte and float elementwise passes.
int BenchU8(int rounds, std::mt19937& rng) {
  struct Shape {
    int64_t c, h, w;
  };
  const Shape shapes[] = {{32, 112, 112}, {32, 56, 56}, {64, 28, 28}, {128, 14, 14}, {256, 7, 7}, {48, 28, 28}, {192, 7, 7}};
  const asnet::Isa isa = asnet::DetectIsa();
  std::printf("uint8 ActiveShift, %s, single thread (thread CPU time), medians of %d interleaved rounds, us per call\n",
              asnet::IsaName(isa), rounds);
  std::printf("%-12s %-8s %7s %9s %9s %9s %9s %9s %9s %8s\n", "CxHxW", "shifts", "grp/16", "nhwc", "nhwc+plan",
              "nchw_u8", "f32nchwc", "u8pass", "f32relu", "nhwc/u8p");
  for (const Shape& sh : shapes) {
    const auto g = asnet::ShiftGeometry::Make(1, sh.c, sh.h, sh.w, 1, 1);
    const auto ng = asnet::NchwcGeometry::Make(1, sh.c, sh.h, sh.w, 16, 1, 1);
    const int64_t elems = sh.c * sh.h * sh.w;
    std::vector<uint8_t> xb(elems), yb(elems), rb(elems);
    for (auto& v : xb) v = static_cast<uint8_t>(rng() & 255);
    Floats x(elems), y(elems), r(elems);
    for (auto& v : x) v = std::uniform_real_distribution<float>(-1, 1)(rng);
    const int reps = static_cast<int>(std::max<int64_t>(1, 4000000 / elems));
    for (const char* kind : {"u1", "trained", "u47"}) {
      const std::vector<float> s = Draw(kind, sh.c, rng);
      std::vector<asnet::NhwcU8ChunkPlan> plans(asnet::NhwcU8Chunks(sh.c));
      asnet::ActiveShiftNhwcU8MakePlans(g, s.data(), plans.data());
      std::vector<asnet::NchwcBlockPlan> fplans(ng.blocks);
      asnet::ActiveShiftNchwcMakePlans(isa, ng, s.data(), fplans.data());
      std::vector<std::vector<double>> t(6);
      for (int round = 0; round < rounds; ++round) {
        std::vector<uint8_t> nscratch(asnet::ActiveShiftNhwcU8ScratchBytes(g));
        t[0].push_back(CpuSeconds([&] {
          asnet::ActiveShiftNhwcU8Forward(isa, g, xb.data(), plans.data(), 3, yb.data(), 0, g.oh, nscratch.data());
        }, reps));
        t[1].push_back(CpuSeconds([&] {
          asnet::ActiveShiftNhwcU8MakePlans(g, s.data(), plans.data());
          asnet::ActiveShiftNhwcU8Forward(isa, g, xb.data(), plans.data(), 3, yb.data(), 0, g.oh, nscratch.data());
        }, reps));
        std::vector<uint8_t> scratch(asnet::ActiveShiftU8ScratchBytes(g));
        t[2].push_back(CpuSeconds([&] {
          asnet::ActiveShiftU8Forward(isa, g, xb.data(), s.data(), 3, yb.data(), 0, g.planes(), scratch.data());
        }, reps));
        t[3].push_back(CpuSeconds([&] {
          asnet::ActiveShiftNchwcForward(isa, ng, x.data(), s.data(), y.data(), 0, ng.rows(), fplans.data());
        }, reps));
        t[4].push_back(CpuSeconds([&] { ByteMax(xb.data(), rb.data(), elems, 3); }, reps));
        t[5].push_back(CpuSeconds([&] { Relu(x.data(), r.data(), elems); }, reps));
      }
      std::printf("%4lldx%3lldx%-3lld %-8s %7.2f %9.2f %9.2f %9.2f %9.2f %9.2f %9.2f %8.2f\n", (long long)sh.c,
                  (long long)sh.h, (long long)sh.w, kind, GroupsPerBlock(s, sh.c, 16), Median(t[0]) * 1e6,
                  Median(t[1]) * 1e6, Median(t[2]) * 1e6, Median(t[3]) * 1e6, Median(t[4]) * 1e6, Median(t[5]) * 1e6,
                  Median(t[0]) / Median(t[4]));
    }
  }
  return 0;
}

}  // namespace

// One FILE:CxHxW[/S] argument of "layers" / "u8layers": the layer's shifts (2C little-endian
// floats read from FILE), its input size and stride; false (with a message) if malformed.
struct LayerArg {
  std::string file;
  long long c = 0, h = 0, w = 0, stride = 1;
  std::vector<float> shift;
};

bool ReadLayerArg(const std::string& arg, LayerArg* out) {
  const size_t colon = arg.rfind(':');
  if (colon == std::string::npos ||
      std::sscanf(arg.c_str() + colon + 1, "%lldx%lldx%lld/%lld", &out->c, &out->h, &out->w, &out->stride) < 3 ||
      out->c < 1 || out->h < 1 || out->w < 1 || out->stride < 1) {
    std::fprintf(stderr, "expected FILE:CxHxW[/S], got %s\n", arg.c_str());
    return false;
  }
  out->file = arg.substr(0, colon);
  out->shift.resize(static_cast<size_t>(2 * out->c));
  FILE* f = std::fopen(out->file.c_str(), "rb");
  const bool ok = f != nullptr && std::fread(out->shift.data(), sizeof(float), out->shift.size(), f) == out->shift.size();
  if (f != nullptr) std::fclose(f);
  if (!ok) std::fprintf(stderr, "cannot read %lld shifts from %s\n", out->c, out->file.c_str());
  return ok;
}

// Layers of a real model (filter "layers"): each argument FILE:CxHxW[/S] names a file of 2C
// little-endian floats (a layer's shifts, e.g. dumped from a model after channel sorting), the
// layer's input and its stride S (default 1); the environment variable ASNET_BENCH_BATCH sets the
// images per call (default 1), ASNET_BENCH_COLD=1 times every call with cold caches but a freshly
// written input (ColdCpuSeconds), as in a network;
// the block-16 (AVX-512) or block-8 kernel runs with plans made beforehand, against the ReLU floor.
int BenchLayers(int rounds, int argc, char** argv) {
  const asnet::Isa isa = asnet::DetectIsa();
  const int64_t b = isa == asnet::Isa::kAvx512 ? 16 : 8;
  const char* batch_env = std::getenv("ASNET_BENCH_BATCH");  // images per call (default 1)
  const int64_t batch = batch_env != nullptr ? std::max(1, std::atoi(batch_env)) : 1;
  const bool cold = std::getenv("ASNET_BENCH_COLD") != nullptr;
  std::printf("layers, %s block %lld, batch %lld, single thread (thread CPU time), %s caches, medians of %d rounds, us per call\n",
              asnet::IsaName(isa), (long long)b, (long long)batch, cold ? "cold" : "warm", rounds);
  std::printf("%-28s %-12s %7s %9s %9s %7s\n", "file", "CxHxW", "groups", "planned", "relu", "ratio");
  double total = 0, total_relu = 0;
  for (int a = 3; a < argc; ++a) {
    LayerArg layer;
    if (!ReadLayerArg(argv[a], &layer)) return 2;
    const long long c = layer.c, h = layer.h, w = layer.w, stride = layer.stride;
    const std::vector<float>& s = layer.shift;
    const auto ng = asnet::NchwcGeometry::Make(batch, c, h, w, b, stride, stride);
    const int64_t elems = batch * ng.padded_channels() * h * w;
    Floats x(elems), y(batch * ng.padded_channels() * ng.g.oh * ng.g.ow), r(elems);
    std::mt19937 rng(7);
    for (auto& v : x) v = std::uniform_real_distribution<float>(-1, 1)(rng);
    std::vector<asnet::NchwcBlockPlan> plans(ng.blocks);
    asnet::ActiveShiftNchwcMakePlans(isa, ng, s.data(), plans.data());
    const int reps = static_cast<int>(std::max<int64_t>(1, 4000000 / elems));
    std::vector<double> ta, tr;
    for (int round = 0; round < rounds; ++round) {
      auto timed = [&](const std::function<void()>& fn) {
        return cold ? ColdCpuSeconds(fn, reps, x.data(), sizeof(float) * x.size()) : CpuSeconds(fn, reps);
      };
      tr.push_back(timed([&] { Relu(x.data(), r.data(), elems); }));
      ta.push_back(timed([&] {
        asnet::ActiveShiftNchwcForward(isa, ng, x.data(), s.data(), y.data(), 0, ng.rows(), plans.data());
      }));
    }
    const double m = Median(ta), mr = Median(tr);
    total += m;
    total_relu += mr;
    std::printf("%-28s %4lldx%3lldx%-3lld/%lld %5.2f %9.2f %9.2f %7.2f\n", layer.file.c_str(), c, h, w, stride,
                GroupsPerBlock(s, c, b), m * 1e6, mr * 1e6, m / mr);
  }
  std::printf("%-28s %-12s %7s %9.2f %9.2f %7.2f\n", "total", "", "", total * 1e6, total_relu * 1e6, total / total_relu);
  return 0;
}

// The uint8 channels-last kernel on a real model's layers (filter "u8layers"): arguments as for
// "layers" (FILE:CxHxW[/S], the shifts of a layer in the order the model stores them), plans made
// beforehand as the op caches them, against a byte pass over the input.
int BenchU8Layers(int rounds, int argc, char** argv) {
  const asnet::Isa isa = asnet::DetectIsa();
  std::printf("u8 layers (channels-last), %s, single thread (thread CPU time), medians of %d rounds, us per call\n",
              asnet::IsaName(isa), rounds);
  std::printf("%-28s %-12s %7s %9s %9s %7s\n", "file", "CxHxW", "grp/16", "nhwc", "u8pass", "ratio");
  double total = 0, total_pass = 0;
  for (int a = 3; a < argc; ++a) {
    LayerArg layer;
    if (!ReadLayerArg(argv[a], &layer)) return 2;
    const long long c = layer.c, h = layer.h, w = layer.w, stride = layer.stride;
    const std::vector<float>& s = layer.shift;
    const auto g = asnet::ShiftGeometry::Make(1, c, h, w, stride, stride);
    const int64_t elems = c * h * w;
    std::vector<uint8_t> x(elems), y(c * g.oh * g.ow), r(elems);
    std::mt19937 rng(7);
    for (auto& v : x) v = static_cast<uint8_t>(rng() & 255);
    std::vector<asnet::NhwcU8ChunkPlan> plans(asnet::NhwcU8Chunks(c));
    asnet::ActiveShiftNhwcU8MakePlans(g, s.data(), plans.data());
    std::vector<uint8_t> scratch(asnet::ActiveShiftNhwcU8ScratchBytes(g));
    const int reps = static_cast<int>(std::max<int64_t>(1, 4000000 / elems));
    std::vector<double> ta, tp;
    for (int round = 0; round < rounds; ++round) {
      tp.push_back(CpuSeconds([&] { ByteMax(x.data(), r.data(), elems, 3); }, reps));
      ta.push_back(CpuSeconds([&] {
        asnet::ActiveShiftNhwcU8Forward(isa, g, x.data(), plans.data(), 3, y.data(), 0, g.oh, scratch.data());
      }, reps));
    }
    const double m = Median(ta), mp = Median(tp);
    total += m;
    total_pass += mp;
    std::printf("%-28s %4lldx%3lldx%-3lld/%lld %5.2f %9.2f %9.2f %7.2f\n", layer.file.c_str(), c, h, w,
                stride, GroupsPerBlock(s, c, 16), m * 1e6, mp * 1e6, m / mp);
  }
  std::printf("%-28s %-12s %7s %9.2f %9.2f %7.2f\n", "total", "", "", total * 1e6, total_pass * 1e6, total / total_pass);
  return 0;
}

// The training kernels of an ASL block, batch 64: BatchNormTraining (relu) then ActiveShift, and
// the fused forward; ActiveShiftGrad then BatchNormReluTrainingGrad, and the fused backward. Each
// call starts with cold caches (a 64 MiB buffer is rewritten before it), as in a training step
// where the previous ops' tensors have pushed these out; medians of interleaved rounds, ms.
int BenchTraining(int rounds) {
  struct Case {
    int64_t c, hw, stride;
  };
  const Case cases[] = {{48, 28, 1}, {96, 28, 2}, {96, 14, 1}, {192, 14, 2}, {192, 7, 1}};
  const asnet::Isa isa = asnet::DetectIsa();
  std::vector<float> junk(size_t{16} << 20);
  auto evict = [&] {
    for (float& v : junk) v += 1.0f;
  };
  auto ms = [&](const std::function<void()>& fn) {
    evict();
    return Seconds(fn, 1) * 1e3;
  };
  std::printf("single thread, %s, batch 64, cold caches, medians of %d interleaved rounds, ms per call\n",
              asnet::IsaName(isa), rounds);
  std::printf("%-16s %8s %8s %8s %9s %10s %8s %9s\n", "CxHxW/stride", "bn", "shift", "fused", "ratio",
              "shiftgrad", "bngrad", "fused");
  std::mt19937 rng(9);
  std::normal_distribution<float> normal;
  for (const Case& k : cases) {
    const auto g = asnet::ShiftGeometry::Make(64, k.c, k.hw, k.hw, k.stride, k.stride);
    const asnet::ChannelGeometry cg{g.n, g.c, g.h * g.w};
    const size_t in = static_cast<size_t>(g.n * g.c * g.h * g.w), out = static_cast<size_t>(g.n * g.c * g.oh * g.ow);
    std::vector<float> x(in), act(in), y(out), dy(out), gact(in), dx(in), scale(g.c, 1.0f), bias(g.c, 0.1f),
        mean(g.c), var(g.c), ds(g.c), db(g.c), shift(2 * g.c), dshift(2 * g.c), scratch(2 * g.h * g.w);
    for (float& v : x) v = normal(rng);
    for (float& v : dy) v = normal(rng);
    for (float& v : shift) v = 1.5f * normal(rng);
    std::vector<std::vector<double>> t(6);
    for (int r = 0; r < rounds; ++r) {
      t[0].push_back(ms([&] {
        asnet::BatchNormTrainingForward(isa, cg, x.data(), scale.data(), bias.data(), 1e-5f, true, act.data(),
                                        mean.data(), var.data(), 0, g.c);
      }));
      t[1].push_back(ms([&] { asnet::ActiveShiftForward(isa, g, act.data(), shift.data(), y.data(), 0, g.planes()); }));
      t[2].push_back(ms([&] {
        asnet::BnReluShiftForward(isa, g, x.data(), scale.data(), bias.data(), 1e-5f, shift.data(), y.data(),
                                  mean.data(), var.data(), scratch.data(), 0, g.c);
      }));
      t[3].push_back(ms([&] {
        asnet::ActiveShiftBackward(isa, g, dy.data(), act.data(), shift.data(), gact.data(), dshift.data(),
                                   scratch.data(), 0, g.c);
      }));
      t[4].push_back(ms([&] {
        asnet::BatchNormTrainingBackward(isa, cg, gact.data(), x.data(), scale.data(), bias.data(), mean.data(),
                                         var.data(), 1e-5f, dx.data(), ds.data(), db.data(), 0, g.c);
      }));
      t[5].push_back(ms([&] {
        asnet::BnReluShiftBackward(isa, g, dy.data(), x.data(), scale.data(), bias.data(), mean.data(), var.data(),
                                   1e-5f, shift.data(), dx.data(), ds.data(), db.data(), dshift.data(),
                                   scratch.data(), 0, g.c);
      }));
    }
    double m[6];
    for (int i = 0; i < 6; ++i) {
      std::sort(t[i].begin(), t[i].end());
      m[i] = t[i][t[i].size() / 2];
    }
    const std::string label = std::to_string(k.c) + "x" + std::to_string(k.hw) + "x" + std::to_string(k.hw) + "/" +
                              std::to_string(k.stride);
    std::printf("%-16s %8.2f %8.2f %8.2f %8.2fx %10.2f %8.2f %8.2f %7.2fx\n", label.c_str(), m[0], m[1], m[2],
                (m[0] + m[1]) / m[2], m[3], m[4], m[5], (m[3] + m[4]) / m[5]);
  }
  return 0;
}

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 11;
  const std::string filter = argc > 2 ? argv[2] : "";
  if (filter == "layers") return BenchLayers(rounds, argc, argv);
  if (filter == "u8layers") return BenchU8Layers(rounds, argc, argv);
  if (filter == "training") return BenchTraining(rounds);
  std::mt19937 rng(5);
  struct Shape {
    int64_t c, h, w;
  };
  const Shape shapes[] = {{64, 56, 56}, {128, 28, 28}, {256, 14, 14}, {512, 7, 7}};
  std::printf("single thread, medians of %d interleaved rounds, us per call\n", rounds);
  std::printf("%-10s %-5s %-4s %-8s %7s %9s %9s %9s %7s %7s\n", "shape", "isa", "b", "shifts", "groups", "nchwc",
              "planned", "relu", "ratio", "pl/relu");
  for (const asnet::Isa isa : asnet_test::AvailableIsas()) {
    if (isa == asnet::Isa::kSse2) continue;
    for (const int64_t b : {int64_t{8}, int64_t{16}}) {
      if (isa == asnet::Isa::kAvx2 && b == 16) continue;  // ORT uses 8 with AVX2
      if (filter == "nchw") continue;
      for (const Shape& sh : shapes) {
        const std::string label = std::to_string(sh.c) + "x" + std::to_string(sh.h) + "x" + std::to_string(sh.w) +
                                  "/" + asnet::IsaName(isa) + "/" + std::to_string(b);
        if (label.find(filter) == std::string::npos) continue;
        const auto ng = asnet::NchwcGeometry::Make(1, sh.c, sh.h, sh.w, b, 1, 1);
        const int64_t elems = ng.padded_channels() * sh.h * sh.w;
        Floats x(elems), y(elems), r(elems);
        for (auto& v : x) v = std::uniform_real_distribution<float>(-1, 1)(rng);
        const int reps = static_cast<int>(std::max<int64_t>(1, 4000000 / elems));
        const char* kinds[] = {"one", "u1", "trained", "g5", "g6", "g7", "g8", "u2", "u47"};
        constexpr int kKinds = 9;
        std::vector<std::vector<float>> shifts;
        for (const char* k : kinds) shifts.push_back(Draw(k, sh.c, rng));
        std::vector<std::vector<asnet::NchwcBlockPlan>> plans(kKinds, std::vector<asnet::NchwcBlockPlan>(ng.blocks));
        for (int k = 0; k < kKinds; ++k) asnet::ActiveShiftNchwcMakePlans(isa, ng, shifts[k].data(), plans[k].data());
        std::vector<std::vector<double>> t(2 * kKinds + 1);
        for (int round = 0; round < rounds; ++round) {
          t[2 * kKinds].push_back(Seconds([&] { Relu(x.data(), r.data(), elems); }, reps));
          for (int k = 0; k < kKinds; ++k) {
            t[k].push_back(Seconds([&] {
              asnet::ActiveShiftNchwcForward(isa, ng, x.data(), shifts[k].data(), y.data(), 0, ng.rows());
            }, reps));
            t[kKinds + k].push_back(Seconds([&] {
              asnet::ActiveShiftNchwcForward(isa, ng, x.data(), shifts[k].data(), y.data(), 0, ng.rows(),
                                             plans[k].data());
            }, reps));
          }
        }
        const double relu = Median(t[2 * kKinds]);
        for (int k = 0; k < kKinds; ++k) {
          const double m = Median(t[k]), mp = Median(t[kKinds + k]);
          std::printf("%lldx%lldx%lld %-5s %-4lld %-8s %7.2f %9.2f %9.2f %9.2f %7.2f %7.2f\n", (long long)sh.c,
                      (long long)sh.h, (long long)sh.w, asnet::IsaName(isa), (long long)b, kinds[k],
                      GroupsPerBlock(shifts[k], sh.c, b), m * 1e6, mp * 1e6, relu * 1e6, m / relu, mp / relu);
        }
      }
    }
  }
  if (filter == "u8") return BenchU8(rounds, rng);
  if (filter == "affine") return BenchAffine(rounds, rng);
  if (!filter.empty() && filter != "nchw") return 0;
  // NCHW kernel on the small maps.
  std::printf("\nNCHW ActiveShift (U(-1,1) shifts) vs ReLU\n");
  const Shape small[] = {{64, 56, 56}, {128, 28, 28}, {128, 14, 14}, {256, 7, 7}};
  for (const asnet::Isa isa : asnet_test::AvailableIsas()) {
    for (const Shape& sh : small) {
      const auto g = asnet::ShiftGeometry::Make(1, sh.c, sh.h, sh.w, 1, 1);
      const int64_t elems = sh.c * sh.h * sh.w;
      Floats x(elems), y(elems), r(elems);
      for (auto& v : x) v = std::uniform_real_distribution<float>(-1, 1)(rng);
      const std::vector<float> s = Draw("u1", sh.c, rng);
      const int reps = static_cast<int>(std::max<int64_t>(1, 4000000 / elems));
      std::vector<double> ta, tr;
      for (int round = 0; round < rounds; ++round) {
        tr.push_back(Seconds([&] { Relu(x.data(), r.data(), elems); }, reps));
        ta.push_back(Seconds([&] { asnet::ActiveShiftForward(isa, g, x.data(), s.data(), y.data(), 0, g.planes()); }, reps));
      }
      std::printf("%lldx%lldx%lld %-6s shift %8.2f us  relu %8.2f us  ratio %5.2f\n", (long long)sh.c, (long long)sh.h,
                  (long long)sh.w, asnet::IsaName(isa), Median(ta) * 1e6, Median(tr) * 1e6, Median(ta) / Median(tr));
    }
  }
  return 0;
}
