// ActiveShift on ONNX Runtime's blocked NCHWc layout, as plain functions independent of ONNX
// Runtime (the op dev.asnet::ActiveShiftNchwc, docs/op-contract.md).
//
// With block size b, a tensor of logical shape [N, C, H, W] is stored as [N, Cp/b, H, W, b] with
// Cp = roundup(C, b): element (n, c, h, w) sits at (((n*(Cp/b) + c/b)*H + h)*W + w)*b + c%b, so the
// b channels of one pixel are contiguous (a "pixel-block"). Channels c >= C are padding: the
// kernels never let them influence a real channel, and write 0 into them. The math per channel
// is exactly ActiveShift's (asnet/active_shift.h): output (i, j) of channel c samples the input
// bilinearly at row i*sh + y_c, column j*sw + x_c, taps outside the image reading 0.
//
// Work is addressed in output rows: row r in [0, N * (Cp/b) * OH) is row r % OH of block plane
// r / OH (one (n, channel block) pair, OH x OW pixel-blocks). Calls on disjoint row ranges write
// disjoint outputs and may run concurrently; each row's values do not depend on how rows are
// split. No function allocates memory.
#pragma once

#include <cstdint>

#include "asnet/active_shift.h"

namespace asnet {

/// Sizes of one ActiveShiftNchwc problem: the NCHW geometry of the logical tensor (g.c = C, the
/// channels that have a shift; strides already capped by ShiftGeometry::Make) and the blocking.
/// Callers check the tensor sizes first (the op layer does), so every size product fits int64.
struct NchwcGeometry {
  ShiftGeometry g;
  int64_t block = 1;   // b > 0
  int64_t blocks = 0;  // Cp / b = ceil(C / b)

  /// Builds it from the logical sizes, a block size > 0 and the strides (>= 1) of the model.
  static NchwcGeometry Make(int64_t n, int64_t c, int64_t h, int64_t w, int64_t block, int64_t sh,
                            int64_t sw) {
    NchwcGeometry r;
    r.g = ShiftGeometry::Make(n, c, h, w, sh, sw);
    r.block = block;
    r.blocks = c / block + (c % block != 0 ? 1 : 0);
    return r;
  }
  int64_t padded_channels() const { return blocks * block; }
  /// Output rows to split: N * (Cp/b) * OH.
  int64_t rows() const { return g.n * blocks * g.oh; }
};

/// Forward: output rows [row_begin, row_end) of Y (blocked, [N, Cp, OH, OW]) from X (blocked,
/// [N, Cp, H, W]); shift is [C, 2] (x_c, y_c), finite. Vectorized for b = 4, 8 and 16 (one or two
/// registers per pixel-block), any other b > 0 takes a per-channel loop.
void ActiveShiftNchwcForward(Isa isa, const NchwcGeometry& g, const float* x, const float* shift,
                             float* y, int64_t row_begin, int64_t row_end);

}  // namespace asnet
