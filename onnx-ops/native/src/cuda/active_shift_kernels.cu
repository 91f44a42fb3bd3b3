// The ActiveShift CUDA kernels and their launchers (see active_shift_cuda.h for the contract).
//
// Mapping: a block has 256 threads; a row of an image is handled by `lanes` consecutive threads
// (the smallest power of two >= the row length, at most 32), so one warp covers one long row or
// several short ones and every warp-wide load or store is a contiguous run of floats. Each thread
// owns a column (or several, `lanes` apart) of a group of G consecutive rows of one image
// (G = 8 on large tensors, 2 on small ones so that there are enough threads), so the index
// arithmetic, the shift split and the weights are paid once per G rows, and with a vertical
// stride of 1 the bottom taps of one row are kept in registers as the top taps of the next: two
// loads per output instead of four. Groups are numbered flat over (image, channel, group) and
// split back with FastDiv. All taps are bounds-checked per element with predicated loads (one code
// path for interior and edges); neighbouring taps of a warp share cache lines, so DRAM traffic
// stays at one read of each input and one write of each output.
//
// Forward, common case (horizontal stride 1, W % 4 == 0, 16-byte aligned tensors): a second kernel
// (ActiveShiftForwardQuadKernel) gives each thread 4 adjacent columns of 2 rows and moves them with
// 16-byte loads and stores, threads numbered flat without idle lanes; it runs at copy bandwidth on
// the H100 (1.46x the kernel above on [32,128,56,56]). Both kernels evaluate the bilinear sum with
// the same explicit roundings (Bilinear), so the choice between them never changes a bit of Y.
//
// The gradient is one fused kernel per launch: a block owns a contiguous range of the row groups
// of one channel and computes the dShift terms of output rows and dX of input rows (for stride 1
// the same rows, so the second use of dY comes from L1/L2). dX is a gather (each input pixel
// collects the at most 2 x 2 output pixels that sampled it), so it needs no atomics and no
// zero-fill. dShift: every thread adds a column's G terms in float, then into double accumulators;
// the block reduces them in a fixed order into one double partial per (channel, block), and a
// second kernel adds a channel's partials in index order. Group size, lanes and blocks per channel
// depend only on the geometry, so results are bitwise reproducible from run to run and from GPU to
// GPU.
#include <cuda_runtime.h>

#include <cstdint>
#include <mutex>

#include "active_shift_cuda.h"
#include "fast_div.h"

namespace asnet {
namespace cuda {
namespace {

constexpr int kThreads = 256;
constexpr int kWarps = kThreads / 32;
// Row-group size: 8 when that still gives at least this many threads, else 2 (batch-1 inference
// on small images needs the parallelism more than the reuse).
constexpr int64_t kMinThreadsForLargeGroups = 256 * 1024;
// Rows per thread of the quad forward kernel, whatever the size. Measured on an H100 (with 4 columns
// a thread already has 6 16-byte loads in flight): 2 rows beat 4 by 0-4% on 28x28 to 112x112
// images at N=32, lose 3% at [8,128,56,56] and tie at batch 1; 8 rows were 7-13% slower than 4.
constexpr int kQuadGroupRows = 2;
// Gradient blocks aimed for in total (several waves on the largest GPUs). Fixed, not derived
// from the device, so that the dShift summation order is the same on every GPU.
constexpr int64_t kGradTargetBlocks = 4096;
constexpr int kMaxGradChunks = 1024;

// Sizes shared by both kernels, in 32-bit integers (UnsupportedGeometry guarantees they fit).
struct Dims {
  int h, w, oh, ow;
  int sh, sw;            // strides, capped at the extent (an equivalent value that cannot overflow)
  int64_t channels;      // C of the tensor
  int64_t c_begin;       // the channels of this launch: C may exceed 2^31 when H*W is tiny
  int c_count;
  int log_lanes;         // threads per row = 1 << log_lanes
};

struct ForwardParams {
  const float* x;
  float* y;
  Dims d;
  uint32_t groups;       // N * c_count * groups per image
  FastDiv by_groups, by_cc;  // groups per image (ceil(oh / G)), c_count
  float2 shift[kMaxChannelsPerLaunch];  // (x_c, y_c) of channels c_begin ...
};

// The quad forward kernel (see ActiveShiftForwardQuadKernel): one thread per 4 output columns of
// G rows; items = N * c_count * groups per image * quads per row.
struct QuadParams {
  const float4* x;
  float4* y;
  Dims d;
  uint32_t items;
  FastDiv by_quads, by_groups, by_cc;  // quads per row (W / 4), groups per image, c_count
  float2 shift[kMaxChannelsPerLaunch];
};

struct GradParams {
  const float* dy;
  const float* x;
  float* dx;
  double2* partials;     // [C][chunks]
  Dims d;
  uint32_t out_items, in_items;  // row groups per channel: N * ceil(oh / G), N * ceil(h / G)
  int chunks;                    // blocks per channel
  FastDiv by_ogroups, by_igroups, by_sh, by_sw, by_chunks;
  float2 shift[kMaxChannelsPerLaunch];
};

// Kernel parameters are limited to 4 KiB on every architecture we build for.
static_assert(sizeof(ForwardParams) <= 4000, "forward launch parameters exceed 4 KiB");
static_assert(sizeof(QuadParams) <= 4000, "forward launch parameters exceed 4 KiB");
static_assert(sizeof(GradParams) <= 4000, "gradient launch parameters exceed 4 KiB");

// One axis of a shift, exactly as the CPU kernels split it: clamp to +-(2 * extent + 2) (all taps
// are outside the image beyond that), integer part by floor, fraction in [0, 1).
struct Taps {
  int base;
  float frac;
};

__device__ __forceinline__ Taps Split(float s, int extent) {
  const float limit = static_cast<float>(2 * extent + 2);  // >= extent + 1 after rounding too
  const float v = fminf(fmaxf(s, -limit), limit);
  const float f = floorf(v);
  return {static_cast<int>(f), v - f};
}

__device__ __forceinline__ bool Inside(int v, int extent) {
  return static_cast<unsigned>(v) < static_cast<unsigned>(extent);
}

// w00 t0 + w01 t1 + w10 b0 + w11 b1 with explicit roundings, in this order. Left to itself the
// compiler contracts the sum into FMAs in whatever order it likes, which differs from kernel to
// kernel (and may change between compiler versions); spelled out, every forward kernel gives
// bitwise the same Y.
__device__ __forceinline__ float Bilinear(float w00, float w01, float w10, float w11, float t0,
                                          float t1, float b0, float b1) {
  return __fmaf_rn(w11, b1, __fmaf_rn(w10, b0, __fmaf_rn(w01, t1, __fmul_rn(w00, t0))));
}

// The two horizontal taps (columns c0, c0 + 1) of input row r, zero outside the image.
__device__ __forceinline__ void LoadTaps(const float* __restrict__ plane, int r, int c0, bool left,
                                         bool right, const Dims& d, float* a, float* b) {
  const bool row = Inside(r, d.h);
  const float* p = plane + static_cast<int64_t>(r) * d.w + c0;
  *a = (row && left) ? __ldg(p) : 0.0f;
  *b = (row && right) ? __ldg(p + 1) : 0.0f;
}

template <int G, bool kUnitH>
__global__ void __launch_bounds__(kThreads) ActiveShiftForwardKernel(const __grid_constant__ ForwardParams p) {
  const float* __restrict__ x = p.x;
  float* __restrict__ y = p.y;
  const Dims& d = p.d;
  const int lanes = 1 << d.log_lanes;
  const int lane = threadIdx.x & (lanes - 1);
  const uint32_t groups_per_block = kThreads >> d.log_lanes;
  const uint32_t step = gridDim.x * groups_per_block;
  for (uint32_t grp = blockIdx.x * groups_per_block + (threadIdx.x >> d.log_lanes); grp < p.groups;
       grp += step) {
    const uint32_t q = p.by_groups.Div(grp);  // n * c_count + local channel
    const int i0 = static_cast<int>(grp - q * p.by_groups.d) * G;
    const uint32_t n = p.by_cc.Div(q);
    const int cl = static_cast<int>(q - n * static_cast<uint32_t>(d.c_count));
    const int64_t plane = static_cast<int64_t>(n) * d.channels + d.c_begin + cl;
    const float* xp = x + plane * d.h * d.w;
    float* yp = y + (plane * d.oh + i0) * d.ow;

    const float2 s = p.shift[cl];
    const Taps tx = Split(s.x, d.w);
    const Taps ty = Split(s.y, d.h);
    const float ax = 1.0f - tx.frac, bx = tx.frac, ay = 1.0f - ty.frac, by = ty.frac;
    const float w00 = ax * ay, w01 = bx * ay, w10 = ax * by, w11 = bx * by;
    const int rows = min(G, d.oh - i0);
    const int r_first = i0 * d.sh + ty.base;
    for (int j = lane; j < d.ow; j += lanes) {
      const int c0 = j * d.sw + tx.base;
      const bool left = Inside(c0, d.w), right = Inside(c0 + 1, d.w);
      float t0, t1, b0, b1;
      if (kUnitH) LoadTaps(xp, r_first, c0, left, right, d, &t0, &t1);
#pragma unroll
      for (int r = 0; r < G; ++r) {
        const int r0 = r_first + r * (kUnitH ? 1 : d.sh);
        if (!kUnitH) LoadTaps(xp, r0, c0, left, right, d, &t0, &t1);
        LoadTaps(xp, r0 + 1, c0, left, right, d, &b0, &b1);
        if (r < rows) yp[r * d.ow + j] = Bilinear(w00, w01, w10, w11, t0, t1, b0, b1);
        if (kUnitH) {  // this bottom row is the next output's top row
          t0 = b0;
          t1 = b1;
        }
      }
    }
  }
}

// u[i] = v[i + r] for i = 0..4, where v = the 8 floats of a, b and r in [0, 4): the 5 input columns
// that 4 outputs need, out of the two aligned quads that contain them. r is the same for every
// thread of a channel, so these are selects, never divergent branches.
__device__ __forceinline__ void Pick(const float4& a, const float4& b, int r, float* u) {
  const float v[8] = {a.x, a.y, a.z, a.w, b.x, b.y, b.z, b.w};
#pragma unroll
  for (int i = 0; i < 5; ++i) u[i] = r == 0 ? v[i] : r == 1 ? v[i + 1] : r == 2 ? v[i + 2] : v[i + 3];
}

// The aligned input quads qa and qa + 1 of row `row`, zero outside the image (with W % 4 == 0 a
// quad lies wholly inside a row or wholly outside it). Predicated loads: on the H100 they beat
// loads from clamped addresses followed by selects (which let every load issue up front) by 2-10%.
__device__ __forceinline__ void LoadQuads(const float4* __restrict__ plane, int row, int qa,
                                          bool in_a, bool in_b, const Dims& d, float4* a, float4* b) {
  const bool ka = Inside(row, d.h) && in_a, kb = Inside(row, d.h) && in_b;
  const float4 z = make_float4(0.0f, 0.0f, 0.0f, 0.0f);
  const float4* p = plane + static_cast<int64_t>(row) * (d.w >> 2) + qa;
  *a = ka ? __ldg(p) : z;
  *b = kb ? __ldg(p + 1) : z;
}

// Forward for a horizontal stride of 1, W % 4 == 0 and 16-byte aligned X and Y (the common case:
// 56, 28, 112 columns), 1.46x faster than ActiveShiftForwardKernel on [32,128,56,56]: a
// thread computes 4 adjacent output columns of G rows with 16-byte loads and stores (the 5 input
// columns that 4 outputs need lie in 2 aligned input quads), so a warp moves 512 bytes per
// instruction instead of 128, and threads are numbered flat over (image, channel, group, quad):
// no lane idles on rows that are not a multiple of 32 columns. With a vertical stride of 1 the
// bottom row of one output is the top row of the next (G + 1 input rows for G outputs). Same
// arithmetic (Bilinear) as ActiveShiftForwardKernel: bitwise the same Y.
template <int G, bool kUnitH>
__global__ void __launch_bounds__(kThreads) ActiveShiftForwardQuadKernel(const __grid_constant__ QuadParams p) {
  const Dims& d = p.d;
  const uint32_t item = blockIdx.x * kThreads + threadIdx.x;
  if (item >= p.items) return;
  const uint32_t grp = p.by_quads.Div(item);
  const int k = static_cast<int>(item - grp * p.by_quads.d);  // output quad of the row
  const uint32_t q = p.by_groups.Div(grp);                     // n * c_count + local channel
  const int i0 = static_cast<int>(grp - q * p.by_groups.d) * G;
  const uint32_t n = p.by_cc.Div(q);
  const int cl = static_cast<int>(q - n * static_cast<uint32_t>(d.c_count));
  const int64_t plane = static_cast<int64_t>(n) * d.channels + d.c_begin + cl;
  const int quads = d.w >> 2;
  const float4* __restrict__ xp = p.x + plane * d.h * quads;
  float4* __restrict__ yp = p.y + (plane * d.oh + i0) * quads + k;

  const float2 s = p.shift[cl];
  const Taps tx = Split(s.x, d.w);
  const Taps ty = Split(s.y, d.h);
  const float ax = 1.0f - tx.frac, bx = tx.frac, ay = 1.0f - ty.frac, by = ty.frac;
  const float w00 = ax * ay, w01 = bx * ay, w10 = ax * by, w11 = bx * by;
  const int rows = min(G, d.oh - i0);
  const int r_first = i0 * d.sh + ty.base;
  const int qa = k + (tx.base >> 2);  // first input quad (floor division: tx.base may be negative)
  const int rem = tx.base & 3;        // offset of the first tap in it
  const bool in_a = Inside(qa, quads), in_b = Inside(qa + 1, quads);

  // Input rows in order of use: r_first, r_first + 1, ... (stride 1) or the (top, bottom) pair
  // of every output row.
  constexpr int kRows = kUnitH ? G + 1 : 2 * G;
  float4 ra[kRows], rb[kRows];
#pragma unroll
  for (int l = 0; l < kRows; ++l) {
    const int row = kUnitH ? r_first + l : r_first + (l >> 1) * d.sh + (l & 1);
    LoadQuads(xp, row, qa, in_a, in_b, d, &ra[l], &rb[l]);
  }
  float t[5], b[5];
#pragma unroll
  for (int r = 0; r < G; ++r) {
    const int top = kUnitH ? r : 2 * r;
    if (!kUnitH || r == 0) Pick(ra[top], rb[top], rem, t);
    Pick(ra[top + 1], rb[top + 1], rem, b);
    float4 o;
    o.x = Bilinear(w00, w01, w10, w11, t[0], t[1], b[0], b[1]);
    o.y = Bilinear(w00, w01, w10, w11, t[1], t[2], b[1], b[2]);
    o.z = Bilinear(w00, w01, w10, w11, t[2], t[3], b[2], b[3]);
    o.w = Bilinear(w00, w01, w10, w11, t[3], t[4], b[3], b[4]);
    if (r < rows) yp[r * quads] = o;
#pragma unroll
    for (int m = 0; m < 5; ++m) t[m] = b[m];
  }
}

// Output row (or column) that sampled input index `t + base` as its first tap, i.e. the o with
// o * stride == t, or -1 when there is none in [0, out).
__device__ __forceinline__ int SampledBy(int t, const FastDiv& by_stride, int out) {
  if (t < 0) return -1;
  const uint32_t o = by_stride.Div(static_cast<uint32_t>(t));
  return (o * by_stride.d == static_cast<uint32_t>(t) && o < static_cast<uint32_t>(out))
             ? static_cast<int>(o)
             : -1;
}

// dY at row `row` (-1: none) and columns ja, jb (-1: none) of one output plane.
__device__ __forceinline__ void LoadGrad(const float* __restrict__ plane, int row, int ja, int jb,
                                         const Dims& d, float* a, float* b) {
  const float* p = plane + static_cast<int64_t>(row) * d.ow;
  *a = (row >= 0 && ja >= 0) ? __ldg(p + ja) : 0.0f;
  *b = (row >= 0 && jb >= 0) ? __ldg(p + jb) : 0.0f;
}

template <int G, bool kUnitH>
__global__ void __launch_bounds__(kThreads) ActiveShiftGradKernel(const __grid_constant__ GradParams p) {
  const float* __restrict__ dy = p.dy;
  const float* __restrict__ x = p.x;
  float* __restrict__ dx = p.dx;
  const Dims& d = p.d;
  const uint32_t cl = p.by_chunks.Div(blockIdx.x);
  const uint32_t k = blockIdx.x - cl * static_cast<uint32_t>(p.chunks);
  const int64_t c = d.c_begin + static_cast<int64_t>(cl);

  // This block's share of the channel's output row groups (dShift) and input row groups (dX).
  const uint32_t o_begin = static_cast<uint32_t>(uint64_t{p.out_items} * k / p.chunks);
  const uint32_t o_end = static_cast<uint32_t>(uint64_t{p.out_items} * (k + 1) / p.chunks);
  const uint32_t i_begin = static_cast<uint32_t>(uint64_t{p.in_items} * k / p.chunks);
  const uint32_t i_end = static_cast<uint32_t>(uint64_t{p.in_items} * (k + 1) / p.chunks);
  const uint32_t o_len = o_end - o_begin, i_len = i_end - i_begin;
  const uint32_t len = o_len > i_len ? o_len : i_len;

  const int lanes = 1 << d.log_lanes;
  const int lane = threadIdx.x & (lanes - 1);
  const uint32_t groups_per_block = kThreads >> d.log_lanes;

  const float2 s = p.shift[cl];
  const Taps tx = Split(s.x, d.w);
  const Taps ty = Split(s.y, d.h);
  const float ax = 1.0f - tx.frac, bx = tx.frac, ay = 1.0f - ty.frac, by = ty.frac;

  double acc_x = 0.0, acc_y = 0.0;
  for (uint32_t t = threadIdx.x >> d.log_lanes; t < len; t += groups_per_block) {
    if (t < o_len) {
      // dShift terms of output rows i0 .. i0+G-1 of image n.
      const uint32_t q = o_begin + t;
      const uint32_t n = p.by_ogroups.Div(q);
      const int i0 = static_cast<int>(q - n * p.by_ogroups.d) * G;
      const int64_t plane = static_cast<int64_t>(n) * d.channels + c;
      const float* xp = x + plane * d.h * d.w;
      const float* gp = dy + (plane * d.oh + i0) * d.ow;
      const int rows = min(G, d.oh - i0);
      const int r_first = i0 * d.sh + ty.base;
      for (int j = lane; j < d.ow; j += lanes) {
        const int c0 = j * d.sw + tx.base;
        const bool left = Inside(c0, d.w), right = Inside(c0 + 1, d.w);
        float q11, q21, q12, q22;
        if (kUnitH) LoadTaps(xp, r_first, c0, left, right, d, &q11, &q21);
        float sx = 0.0f, sy = 0.0f;
#pragma unroll
        for (int r = 0; r < G; ++r) {
          const int r0 = r_first + r * (kUnitH ? 1 : d.sh);
          if (!kUnitH) LoadTaps(xp, r0, c0, left, right, d, &q11, &q21);
          LoadTaps(xp, r0 + 1, c0, left, right, d, &q12, &q22);
          // Rows past the image's end, or with no tap inside it, add nothing (as on the CPU,
          // where they are skipped: a NaN in dY or X there does not reach dShift).
          if (r < rows && (Inside(r0, d.h) || Inside(r0 + 1, d.h))) {
            const float gv = __ldg(gp + r * d.ow + j);
            sx += gv * (ay * (q21 - q11) + by * (q22 - q12));
            sy += gv * (ax * (q12 - q11) + bx * (q22 - q21));
          }
          if (kUnitH) {
            q11 = q12;
            q21 = q22;
          }
        }
        acc_x += static_cast<double>(sx);
        acc_y += static_cast<double>(sy);
      }
    }
    if (t < i_len) {
      // dX of input rows rr0 .. rr0+G-1 of image n: each collects the output rows whose top tap
      // it is (weight ay) and whose bottom tap it is (weight by), likewise for columns (ax, bx).
      const uint32_t q = i_begin + t;
      const uint32_t n = p.by_igroups.Div(q);
      const int rr0 = static_cast<int>(q - n * p.by_igroups.d) * G;
      const int64_t plane = static_cast<int64_t>(n) * d.channels + c;
      const float* gp = dy + plane * d.oh * d.ow;
      float* dxp = dx + (plane * d.h + rr0) * d.w;
      const int rows = min(G, d.h - rr0);
      for (int jj = lane; jj < d.w; jj += lanes) {
        const int ja = SampledBy(jj - tx.base, p.by_sw, d.ow);
        const int jb = SampledBy(jj - tx.base - 1, p.by_sw, d.ow);
        float ga0, ga1, gb0, gb1;  // dY of the rows whose top (a) / bottom (b) tap this row is
        if (kUnitH) {
          const int ib = rr0 - ty.base - 1;
          LoadGrad(gp, Inside(ib, d.oh) ? ib : -1, ja, jb, d, &gb0, &gb1);
        }
#pragma unroll
        for (int r = 0; r < G; ++r) {
          const int rr = rr0 + r;
          int ia;
          if (kUnitH) {
            ia = Inside(rr - ty.base, d.oh) ? rr - ty.base : -1;
          } else {
            ia = SampledBy(rr - ty.base, p.by_sh, d.oh);
            LoadGrad(gp, SampledBy(rr - ty.base - 1, p.by_sh, d.oh), ja, jb, d, &gb0, &gb1);
          }
          LoadGrad(gp, ia, ja, jb, d, &ga0, &ga1);
          if (r < rows) dxp[r * d.w + jj] = ay * (ax * ga0 + bx * ga1) + by * (ax * gb0 + bx * gb1);
          if (kUnitH) {  // with stride 1 this row's top-tap output row is the next row's bottom one
            gb0 = ga0;
            gb1 = ga1;
          }
        }
      }
    }
  }

  // Block reduction in a fixed order: shuffle tree inside each warp, then warps 0..7 in order.
  __shared__ double2 warp_sums[kWarps];
  for (int off = 16; off > 0; off >>= 1) {
    acc_x += __shfl_down_sync(0xffffffffu, acc_x, off);
    acc_y += __shfl_down_sync(0xffffffffu, acc_y, off);
  }
  if ((threadIdx.x & 31) == 0) warp_sums[threadIdx.x >> 5] = make_double2(acc_x, acc_y);
  __syncthreads();
  if (threadIdx.x == 0) {
    double sx = 0.0, sy = 0.0;
    for (int w = 0; w < kWarps; ++w) {
      sx += warp_sums[w].x;
      sy += warp_sums[w].y;
    }
    p.partials[c * p.chunks + k] = make_double2(sx, sy);
  }
}

// dShift[c] = sum of the channel's partials, in index order.
__global__ void ReduceShiftGradKernel(const double2* __restrict__ partials, int chunks,
                                      int64_t channels, float* __restrict__ dshift) {
  const int64_t c = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (c >= channels) return;
  double sx = 0.0, sy = 0.0;
  for (int k = 0; k < chunks; ++k) {
    const double2 v = partials[c * chunks + k];
    sx += v.x;
    sy += v.y;
  }
  dshift[2 * c] = static_cast<float>(sx);
  dshift[2 * c + 1] = static_cast<float>(sy);
}

int Log2Lanes(int64_t row_length) {
  int l = 0;
  while (l < 5 && (int64_t{1} << l) < row_length) ++l;
  return l;
}

// Rows per thread group (see the top of the file).
int GroupRows(const ShiftGeometry& g, int64_t rows_per_image, int log_lanes) {
  const int64_t threads_if_8 = g.n * g.c * ((rows_per_image + 7) / 8) * (int64_t{1} << log_lanes);
  return threads_if_8 >= kMinThreadsForLargeGroups ? 8 : 2;
}

using ForwardKernel = void (*)(ForwardParams);
using GradKernel = void (*)(GradParams);

ForwardKernel PickForward(int group, bool unit_h) {
  if (group == 8) return unit_h ? ActiveShiftForwardKernel<8, true> : ActiveShiftForwardKernel<8, false>;
  return unit_h ? ActiveShiftForwardKernel<2, true> : ActiveShiftForwardKernel<2, false>;
}

using QuadKernel = void (*)(QuadParams);

QuadKernel PickQuad(bool unit_h) {
  return unit_h ? ActiveShiftForwardQuadKernel<kQuadGroupRows, true>
                : ActiveShiftForwardQuadKernel<kQuadGroupRows, false>;
}

GradKernel PickGrad(int group, bool unit_h) {
  if (group == 8) return unit_h ? ActiveShiftGradKernel<8, true> : ActiveShiftGradKernel<8, false>;
  return unit_h ? ActiveShiftGradKernel<2, true> : ActiveShiftGradKernel<2, false>;
}

Dims MakeDims(const ShiftGeometry& g, int64_t row_length) {
  Dims d;
  d.h = static_cast<int>(g.h);
  d.w = static_cast<int>(g.w);
  d.oh = static_cast<int>(g.oh);
  d.ow = static_cast<int>(g.ow);
  // ShiftGeometry::Make already caps the strides at the extent (a stride >= the extent gives one
  // output row/column at 0 whatever its value), so they fit an int like the extents.
  d.sh = static_cast<int>(g.sh);
  d.sw = static_cast<int>(g.sw);
  d.channels = g.c;
  d.c_begin = 0;
  d.c_count = 0;
  d.log_lanes = Log2Lanes(row_length);
  return d;
}

// Whether the quad forward kernel can run: horizontal stride 1 (so OW = W), W % 4 == 0 (rows and
// planes start on 16-byte boundaries, quads never straddle a row's end), X and Y 16-byte aligned,
// and its flat thread count (rounded up to whole blocks) within 32 bits.
bool QuadForwardApplies(const ShiftGeometry& g, const float* x, const float* y) {
  if (g.sw != 1 || g.w % 4 != 0) return false;
  if (reinterpret_cast<uintptr_t>(x) % 16 != 0 || reinterpret_cast<uintptr_t>(y) % 16 != 0) return false;
  const int64_t per_launch = g.c < kMaxChannelsPerLaunch ? g.c : kMaxChannelsPerLaunch;
  const int64_t items = g.n * per_launch * ((g.oh + kQuadGroupRows - 1) / kQuadGroupRows) * (g.w / 4);
  return items <= (int64_t{1} << 32) - kThreads;
}

// Scratch memory for the dShift partials comes from a stream-ordered pool per device, created on
// first use and kept for the life of the process. Allocation and release are enqueued on the
// caller's stream, so the memory is never reused before the kernels that use it have finished,
// whatever other streams do, and no call synchronizes.
constexpr int kMaxDevices = 64;

cudaError_t PoolFor(cudaMemPool_t* pool) {
  int dev = 0;
  cudaError_t err = cudaGetDevice(&dev);
  if (err != cudaSuccess) return err;
  if (dev < 0 || dev >= kMaxDevices) return cudaErrorInvalidDevice;
  static std::mutex mu;
  static cudaMemPool_t pools[kMaxDevices] = {};
  std::lock_guard<std::mutex> lock(mu);
  if (pools[dev] == nullptr) {
    int supported = 0;
    err = cudaDeviceGetAttribute(&supported, cudaDevAttrMemoryPoolsSupported, dev);
    if (err != cudaSuccess) return err;
    if (!supported) return cudaErrorNotSupported;
    cudaMemPoolProps props = {};
    props.allocType = cudaMemAllocationTypePinned;
    props.location.type = cudaMemLocationTypeDevice;
    props.location.id = dev;
    cudaMemPool_t created = nullptr;
    err = cudaMemPoolCreate(&created, &props);
    if (err != cudaSuccess) return err;
    // Keep freed blocks in the pool: the partials are a few KiB and needed on every call.
    uint64_t keep = UINT64_MAX;
    err = cudaMemPoolSetAttribute(created, cudaMemPoolAttrReleaseThreshold, &keep);
    if (err != cudaSuccess) {
      cudaMemPoolDestroy(created);
      return err;
    }
    pools[dev] = created;
  }
  *pool = pools[dev];
  return cudaSuccess;
}

}  // namespace

const char* UnsupportedGeometry(const ShiftGeometry& g) {
  // Row and column indices stay in 32-bit ints: inside a row group of G <= 8 rows they reach
  // (i0 + 7) * sh + base + 1 <= (h - 1) + 7h + (2h + 3) + 1 (effective sh <= h, |base| <= 2h + 3,
  // see Split), below 2^31 for h < 2^27; columns stay below 3w + 4.
  constexpr int64_t kMaxExtent = int64_t{1} << 27;
  constexpr int64_t kMaxRows = (int64_t{1} << 31) - 1;
  if (g.h >= kMaxExtent || g.w >= kMaxExtent) return "H and W must be below 2^27 on CUDA";
  if (g.n > 0 && g.c > 0) {
    const int64_t longest = g.h > g.oh ? g.h : g.oh;
    if (longest > 0 && g.n > kMaxRows / longest) return "N*H must be below 2^31 on CUDA";
    const int64_t per_launch = g.c < kMaxChannelsPerLaunch ? g.c : kMaxChannelsPerLaunch;
    if (longest > 0 && g.n * longest > kMaxRows / per_launch) {
      return "N*min(C, 448)*H must be below 2^31 on CUDA";
    }
  }
  return nullptr;
}

int GradChunksPerChannel(const ShiftGeometry& g) {
  if (g.c <= 0) return 1;
  const int log_lanes = Log2Lanes(g.ow > g.w ? g.ow : g.w);
  const int64_t rows = g.h > g.oh ? g.h : g.oh;
  const int group = GroupRows(g, rows, log_lanes);
  const int64_t items = g.n * ((rows + group - 1) / group);  // row groups per channel
  int64_t chunks = (kGradTargetBlocks + g.c - 1) / g.c;
  const int64_t most = items / (kThreads >> log_lanes);      // every block gets a full round
  if (chunks > most) chunks = most;
  if (chunks > kMaxGradChunks) chunks = kMaxGradChunks;
  return chunks < 1 ? 1 : static_cast<int>(chunks);
}

cudaError_t LaunchActiveShiftForward(const ShiftGeometry& g, const float* x, const float* shift,
                                     float* y, cudaStream_t stream) {
  if (g.empty()) return cudaSuccess;  // before any size product (they may not fit int64)
  if (UnsupportedGeometry(g) != nullptr) return cudaErrorInvalidValue;
  if (QuadForwardApplies(g, x, y)) {
    const int quads = static_cast<int>(g.w / 4);
    const uint32_t groups_per_image = static_cast<uint32_t>((g.oh + kQuadGroupRows - 1) / kQuadGroupRows);
    QuadParams p;
    p.x = reinterpret_cast<const float4*>(x);
    p.y = reinterpret_cast<float4*>(y);
    p.d = MakeDims(g, g.ow);
    const QuadKernel kernel = PickQuad(p.d.sh == 1);
    p.by_quads = FastDiv(static_cast<uint32_t>(quads));
    p.by_groups = FastDiv(groups_per_image);
    for (int64_t c0 = 0; c0 < g.c; c0 += kMaxChannelsPerLaunch) {
      const int count = static_cast<int>(g.c - c0 < kMaxChannelsPerLaunch ? g.c - c0 : kMaxChannelsPerLaunch);
      p.d.c_begin = c0;
      p.d.c_count = count;
      p.by_cc = FastDiv(static_cast<uint32_t>(count));
      for (int k = 0; k < count; ++k) p.shift[k] = make_float2(shift[2 * (c0 + k)], shift[2 * (c0 + k) + 1]);
      p.items = static_cast<uint32_t>(g.n * count * groups_per_image * quads);
      const uint32_t blocks = (p.items + kThreads - 1) / kThreads;
      kernel<<<blocks, kThreads, 0, stream>>>(p);
      const cudaError_t err = cudaGetLastError();
      if (err != cudaSuccess) return err;
    }
    return cudaSuccess;
  }
  ForwardParams p;
  p.x = x;
  p.y = y;
  p.d = MakeDims(g, g.ow);
  const int group = GroupRows(g, g.oh, p.d.log_lanes);
  const ForwardKernel kernel = PickForward(group, p.d.sh == 1);
  const uint32_t groups_per_image = static_cast<uint32_t>((g.oh + group - 1) / group);
  p.by_groups = FastDiv(groups_per_image);
  const uint32_t groups_per_block = kThreads >> p.d.log_lanes;
  for (int64_t c0 = 0; c0 < g.c; c0 += kMaxChannelsPerLaunch) {
    const int count = static_cast<int>(g.c - c0 < kMaxChannelsPerLaunch ? g.c - c0 : kMaxChannelsPerLaunch);
    p.d.c_begin = c0;
    p.d.c_count = count;
    p.by_cc = FastDiv(static_cast<uint32_t>(count));
    for (int k = 0; k < count; ++k) p.shift[k] = make_float2(shift[2 * (c0 + k)], shift[2 * (c0 + k) + 1]);
    p.groups = static_cast<uint32_t>(g.n * count) * groups_per_image;
    const uint32_t blocks = (p.groups + groups_per_block - 1) / groups_per_block;
    kernel<<<blocks, kThreads, 0, stream>>>(p);
    const cudaError_t err = cudaGetLastError();
    if (err != cudaSuccess) return err;
  }
  return cudaSuccess;
}

cudaError_t LaunchActiveShiftGrad(const ShiftGeometry& g, const float* dy, const float* x,
                                  const float* shift, float* dx, float* dshift,
                                  cudaStream_t stream) {
  if (g.c == 0) return cudaSuccess;
  if (g.empty()) {  // nothing flows back: dShift is exactly zero
    cudaMemsetAsync(dshift, 0, sizeof(float) * 2 * g.c, stream);
    return cudaGetLastError();
  }
  if (UnsupportedGeometry(g) != nullptr) return cudaErrorInvalidValue;
  GradParams p;
  p.dy = dy;
  p.x = x;
  p.dx = dx;
  p.d = MakeDims(g, g.ow > g.w ? g.ow : g.w);
  const int group = GroupRows(g, g.h > g.oh ? g.h : g.oh, p.d.log_lanes);
  const GradKernel kernel = PickGrad(group, p.d.sh == 1);
  const uint32_t out_groups = static_cast<uint32_t>((g.oh + group - 1) / group);
  const uint32_t in_groups = static_cast<uint32_t>((g.h + group - 1) / group);
  p.out_items = static_cast<uint32_t>(g.n) * out_groups;
  p.in_items = static_cast<uint32_t>(g.n) * in_groups;
  p.chunks = GradChunksPerChannel(g);
  p.by_ogroups = FastDiv(out_groups);
  p.by_igroups = FastDiv(in_groups);
  p.by_sh = FastDiv(static_cast<uint32_t>(p.d.sh));
  p.by_sw = FastDiv(static_cast<uint32_t>(p.d.sw));
  p.by_chunks = FastDiv(static_cast<uint32_t>(p.chunks));

  cudaMemPool_t pool = nullptr;
  cudaError_t err = PoolFor(&pool);
  if (err != cudaSuccess) return err;
  void* scratch = nullptr;
  err = cudaMallocFromPoolAsync(&scratch, sizeof(double2) * g.c * p.chunks, pool, stream);
  if (err != cudaSuccess) return err;
  p.partials = static_cast<double2*>(scratch);
  for (int64_t c0 = 0; c0 < g.c && err == cudaSuccess; c0 += kMaxChannelsPerLaunch) {
    const int count = static_cast<int>(g.c - c0 < kMaxChannelsPerLaunch ? g.c - c0 : kMaxChannelsPerLaunch);
    p.d.c_begin = c0;
    p.d.c_count = count;
    for (int k = 0; k < count; ++k) p.shift[k] = make_float2(shift[2 * (c0 + k)], shift[2 * (c0 + k) + 1]);
    kernel<<<static_cast<uint32_t>(count) * p.chunks, kThreads, 0, stream>>>(p);
    err = cudaGetLastError();
  }
  if (err == cudaSuccess) {
    const int threads = 128;
    const int64_t blocks = (g.c + threads - 1) / threads;
    ReduceShiftGradKernel<<<static_cast<uint32_t>(blocks), threads, 0, stream>>>(p.partials, p.chunks, g.c, dshift);
    err = cudaGetLastError();
  }
  // Released in stream order even after a failed launch, so the pool never leaks.
  const cudaError_t freed = cudaFreeAsync(scratch, stream);
  return err != cudaSuccess ? err : freed;
}

}  // namespace cuda
}  // namespace asnet
