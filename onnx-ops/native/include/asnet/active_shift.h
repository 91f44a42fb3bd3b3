// ActiveShift kernels as plain functions, independent of ONNX Runtime.
//
// Layout is NCHW float32. A "plane" is one (n, c) image of H x W values. shift is [C, 2] with
// shift[2c] = x_c (along W) and shift[2c + 1] = y_c (along H). Output pixel (i, j) samples the
// input bilinearly at row i*sh + y_c, column j*sw + x_c; taps outside the image read 0.
//
// Every function works on a sub-range of planes or channels so that the caller can split the
// work across a thread pool; ranges never overlap in what they write, so calls on disjoint
// ranges may run concurrently. No function allocates memory (the strided backward takes scratch).
#pragma once

#include <cstddef>
#include <cstdint>

namespace asnet {

/// Sizes of one ActiveShift problem.
///
/// Make accepts every int64 stride >= 1 and every extent >= 0 without overflow: the output size
/// is computed as (extent - 1) / stride + 1, and the strides kept here are the effective ones,
/// capped at max(extent, 1). A stride >= the extent gives one output row (column) at 0, which reads
/// the same taps whatever the stride, so the cap changes no result, and it bounds every
/// i * sh (i < oh) and oh * sh by 2 * extent: the kernels' index arithmetic stays far from overflow.
/// Size products (planes(), in_plane(), out_plane() and the tensor sizes) fit int64 only for
/// tensors that exist: callers check them first (the op layer does, CheckForwardInputs).
struct ShiftGeometry {
  int64_t n = 0, c = 0, h = 0, w = 0;  // input [N, C, H, W]
  int64_t sh = 1, sw = 1;              // effective strides along H and W, in [1, max(extent, 1)]
  int64_t oh = 0, ow = 0;              // output H, W = ceil(H / strides[0]), ceil(W / strides[1])

  /// ceil(extent / stride) for extent >= 0 and stride >= 1, without overflow.
  static int64_t OutSize(int64_t extent, int64_t stride) {
    return extent > 0 ? (extent - 1) / stride + 1 : 0;
  }

  /// Fills oh/ow and the effective strides from h, w and the strides (>= 1) of the model.
  static ShiftGeometry Make(int64_t n, int64_t c, int64_t h, int64_t w, int64_t sh, int64_t sw) {
    ShiftGeometry g;
    g.n = n; g.c = c; g.h = h; g.w = w;
    g.oh = OutSize(h, sh);
    g.ow = OutSize(w, sw);
    const int64_t h1 = h > 1 ? h : 1, w1 = w > 1 ? w : 1;
    g.sh = sh < h1 ? sh : h1;
    g.sw = sw < w1 ? sw : w1;
    return g;
  }
  /// True when X (and so Y, dX) has no element; then no kernel needs to run.
  bool empty() const { return n == 0 || c == 0 || h == 0 || w == 0; }
  int64_t planes() const { return n * c; }
  int64_t in_plane() const { return h * w; }
  int64_t out_plane() const { return oh * ow; }
};

/// The instruction set a kernel table was compiled for (SSE2 is the x86-64 baseline).
enum class Isa { kSse2, kAvx2, kAvx512 };

/// Returns a readable name ("sse2", "avx2", "avx512").
const char* IsaName(Isa isa);

/// The best instruction set this CPU supports among those compiled in. ASNET_ISA=sse2|avx2|avx512
/// in the environment caps the choice (for tests and benchmarks; "scalar" is accepted as an alias
/// of sse2, its former name).
Isa DetectIsa();

/// The kernels below take g from ShiftGeometry::Make with tensor sizes that fit int64 (the op
/// layer checks them and never calls a kernel on an empty tensor).

/// Forward: Y planes [plane_begin, plane_end) from X.
void ActiveShiftForward(Isa isa, const ShiftGeometry& g, const float* x, const float* shift,
                        float* y, int64_t plane_begin, int64_t plane_end);

/// Backward for channels [c_begin, c_end): writes dX for every plane of those channels, and
/// dShift[c] = (dL/dx_c, dL/dy_c) summed over batch and space, accumulated in double.
/// At integer shifts the derivative is the right-sided one. With strides other than 1, scratch
/// holds g.in_plane() floats (BackwardScratchFloats; null is fine for unit strides): the strided
/// backward spreads dY onto the input grid (zeros between) and runs the unit-stride kernels, whose
/// vector strips beat a scatter of every output onto its four taps.
void ActiveShiftBackward(Isa isa, const ShiftGeometry& g, const float* dy, const float* x,
                         const float* shift, float* dx, float* dshift, float* scratch,
                         int64_t c_begin, int64_t c_end);

/// The scratch floats ActiveShiftBackward needs per call: 0 for unit strides or an empty X (whose
/// H * W need not fit int64), else H * W.
inline int64_t BackwardScratchFloats(const ShiftGeometry& g) {
  return (g.sh == 1 && g.sw == 1) || g.empty() ? 0 : g.h * g.w;
}

/// Returns the index of the first channel whose shift is NaN or infinite, or -1.
int64_t FirstNonFiniteShift(const float* shift, int64_t channels);

}  // namespace asnet
