// ActiveShift on uint8 tensors (the ops dev.asnet::ActiveShiftU8, NCHW, and
// dev.asnet::ActiveShiftNhwcU8, channels-last; docs/op-contract.md), as plain functions independent
// of ONNX Runtime.
//
// A quantized tensor holds q with real value (q - zp) * scale. The output keeps the input's scale
// and zero point: a bilinear sample is a convex combination of its taps, so it stays in the input's
// range, and a tap outside the image reads the zero point (real 0, as in the float op).
//
// The rounding rule (exact, the same on every instruction set and in the Java reference):
//   d_k  = q_k - zp for the four taps (0 for a tap outside the image), as float32;
//   w_k  = ActiveShift's bilinear weights in float32: the shift clamped to +-(2*extent + 2),
//          fx = floor, bx = v - fx, ax = 1 - bx (likewise along y), w00 = ax*ay, w01 = bx*ay,
//          w10 = ax*by, w11 = bx*by;
//   acc  = ((w00*d00 + w01*d01) + w10*d10) + w11*d11, every product and sum rounded to float32
//          (no fused multiply-add);
//   y    = clamp(zp + round_half_to_even(acc), 0, 255).
// Taps: (0,0) at row i*sh + floor(y_c), column j*sw + floor(x_c); (0,1) one column right; (1,0)
// one row down.
#pragma once

#include <cstdint>

#include "asnet/active_shift.h"

namespace asnet {

/// Bytes of scratch memory one ActiveShiftU8Forward call needs (two padded input rows, about
/// 2 * (W + 51)); g non-empty.
inline int64_t ActiveShiftU8ScratchBytes(const ShiftGeometry& g) { return 2 * ((g.ow - 1) * g.sw + 2 + 48); }

/// Forward on NCHW uint8: Y planes [plane_begin, plane_end) (plane = one (n, c) image) from X.
/// g from ShiftGeometry::Make with sizes that fit int64, non-empty; shift [C, 2] finite; scratch:
/// ActiveShiftU8ScratchBytes(g) bytes this call alone uses.
void ActiveShiftU8Forward(Isa isa, const ShiftGeometry& g, const uint8_t* x, const float* shift,
                          uint8_t zero_point, uint8_t* y, int64_t plane_begin, int64_t plane_end,
                          uint8_t* scratch);

/// The plan of one 16-channel chunk of a channels-last tensor: its lanes grouped by integer offset
/// (floor y, floor x), each lane's four weights, and the output columns where every group's column
/// taps are inside the image. Depends on the chunk's shifts and on C, H, W and the column stride.
struct NhwcU8ChunkPlan {
  static constexpr int kLanes = 16;
  struct Group {
    int64_t by = 0, bx = 0;  // floor(y_c), floor(x_c) of the clamped shift
    uint32_t bits = 0;       // the lanes in the group
  };
  alignas(64) float w[4][kLanes];  // weights of taps (0,0) (0,1) (1,0) (1,1); 0 in unused lanes
  Group groups[kLanes];
  int count = 0;                   // groups in use
  int lanes = 0;                   // real channels in the chunk (16 except maybe the last)
  int64_t col_lo = 0, col_hi = 0;  // interior output columns [col_lo, col_hi)
};

/// Number of 16-channel chunks of C channels.
inline int64_t NhwcU8Chunks(int64_t c) { return c / NhwcU8ChunkPlan::kLanes + (c % NhwcU8ChunkPlan::kLanes != 0); }

/// Makes the plans of every chunk (plans has NhwcU8Chunks(g.c) entries); shift [C, 2] finite.
/// Plain float math: the plans serve every ISA.
void ActiveShiftNhwcU8MakePlans(const ShiftGeometry& g, const float* shift, NhwcU8ChunkPlan* plans);

/// Bytes of scratch memory one ActiveShiftNhwcU8Forward call needs: at unit strides two rows of
/// OW + 1 widened 16-channel columns (64 bytes each) plus alignment; g non-empty.
inline int64_t ActiveShiftNhwcU8ScratchBytes(const ShiftGeometry& g) { return 2 * (g.ow + 1) * 64 + 64; }

/// Forward on channels-last uint8: X [N, H, W, C], Y [N, OH, OW, C] (g holds the logical NCHW
/// sizes). Writes output rows [row_begin, row_end) of the N * OH rows (each OW * C bytes), using
/// the plans ActiveShiftNhwcU8MakePlans made for g and this shift; scratch:
/// ActiveShiftNhwcU8ScratchBytes(g) bytes this call alone uses.
void ActiveShiftNhwcU8Forward(Isa isa, const ShiftGeometry& g, const uint8_t* x,
                              const NhwcU8ChunkPlan* plans, uint8_t zero_point, uint8_t* y,
                              int64_t row_begin, int64_t row_end, uint8_t* scratch);

}  // namespace asnet
