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
// split. No function allocates memory (plans are the caller's).
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

/// The plan of one channel block for the vectorized block sizes: its lanes grouped by integer
/// offset (floor y, floor x), each lane's four bilinear weights, and the output columns where
/// every group's column taps are inside the image. It depends only on the block's shifts and on
/// C, H, W, the column stride and b (not on N, X or the row stride), so a kernel whose shift is a
/// constant can make the plans once and reuse them on every call (ActiveShiftNchwcMakePlans).
struct NchwcBlockPlan {
  static constexpr int kMaxLanes = 16;  // the widest vectorized block
  struct Group {
    int64_t by = 0, bx = 0;  // floor(y_c), floor(x_c), clamped as ShiftGeometry's Split does
    uint32_t bits = 0;       // the lanes in the group
  };
  // Per-lane weights of taps (0,0) (0,1) (1,0) (1,1); 0 in padding lanes. Aligned for vector loads.
  alignas(64) float w[4][kMaxLanes];
  Group groups[kMaxLanes];
  int count = 0;           // groups in use
  bool full = false;       // one group holding every lane (no padding lanes)
  int64_t col_lo = 0, col_hi = 0;  // the common interior columns [col_lo, col_hi)
};

/// Whether block size b has vectorized kernels, and so plans (4, 8, 16).
inline bool NchwcPlannable(int64_t block) { return block == 4 || block == 8 || block == 16; }

/// Makes the plans of all g.blocks channel blocks (plans[cb] for block cb) from shift [C, 2],
/// finite; b must be plannable. Plans made by any ISA serve every ISA (plain float math).
void ActiveShiftNchwcMakePlans(Isa isa, const NchwcGeometry& g, const float* shift,
                               NchwcBlockPlan* plans);

/// Forward: output rows [row_begin, row_end) of Y (blocked, [N, Cp, OH, OW]) from X (blocked,
/// [N, Cp, H, W]); shift is [C, 2] (x_c, y_c), finite. Vectorized for b = 4, 8 and 16 (one or two
/// registers per pixel-block), any other b > 0 takes a per-channel loop. plans: null (each call
/// plans the blocks it touches) or the g.blocks plans ActiveShiftNchwcMakePlans made from this
/// shift and a geometry with the same C, H, W, column stride and b; the results are identical.
void ActiveShiftNchwcForward(Isa isa, const NchwcGeometry& g, const float* x, const float* shift,
                             float* y, int64_t row_begin, int64_t row_end,
                             const NchwcBlockPlan* plans = nullptr);

/// Whether the forward kernel computes the channel block with this plan through its ring of
/// zero-bordered input rows (few offset groups, unit strides, tap rows that fit: the fast path)
/// rather than row by row with border checks. Both give the same values; for tests and benchmarks.
bool ActiveShiftNchwcUsesRing(Isa isa, const NchwcGeometry& g, const NchwcBlockPlan& plan);

/// Whether the forward kernel computes the channel block with this plan through planar rows
/// (in-register transposes: blocks the ring does not take with many offset groups, column stride
/// 1 or 2, b = 16 with AVX-512 or 8 with AVX2 or AVX-512). The same values; for tests and
/// benchmarks.
bool ActiveShiftNchwcUsesTransposed(Isa isa, const NchwcGeometry& g, const NchwcBlockPlan& plan);

}  // namespace asnet
