// ActiveShift on uint8 tensors (the ops dev.asnet::ActiveShiftU8, NCHW, and
// dev.asnet::ActiveShiftNhwcU8, channels-last; docs/op-contract.md), as plain functions independent
// of ONNX Runtime.
//
// A quantized tensor holds q with real value (q - zp) * scale. The output keeps the input's scale
// and zero point: a bilinear sample is a convex combination of its taps, so it stays in the input's
// range, and a tap outside the image reads the zero point (real 0, as in the float op).
//
// The rule (integer fixed point, exact: the same bytes on every instruction set and in the Java
// reference; docs/op-contract.md states it too):
//   q_k  = the four taps' bytes; a tap outside the image reads the zero point zp;
//   fx, fy = ActiveShift's float32 fractions: the shift clamped to +-(2*extent + 2), f = floor,
//          frac = v - f (along x and y);
//   X    = floor(fx * 2^14 + 1/2), Y likewise (integers in [0, 2^14]), Ax = 2^14 - X,
//          Ay = 2^14 - Y;
//   w00  = (Ax*Ay + 2^13) >> 14, w01 = Ay - w00, w10 = (Ax*Y + 2^13) >> 14, w11 = Y - w10
//          (each in [0, 2^14], summing exactly to 2^14);
//   y    = (w00*q00 + w01*q01 + w10*q10 + w11*q11 + 2^13) >> 14 (round half up).
// No clamp is needed: with weights >= 0 summing to 2^14 and q_k in [0, 255], the sum S is in
// [0, 255 * 2^14], so (S + 2^13) >> 14 is in [0, 255] (255 * 2^14 + 2^13 < 256 * 2^14). Working on q
// rather than q - zp gives the same bytes: zp + ((S - zp * 2^14 + 2^13) >> 14) equals
// (S + 2^13) >> 14 since zp * 2^14 is a multiple of 2^14.
// Error against the exact bilinear value v at (fx, fy), in steps: |y - v| <= 1/2 + 2 * 255 / 2^15
// (rounding the fractions to 2^-14: at most 255 * 2^-15 per axis, v being linear in each with a
// slope of at most 255) + 2 * 255 / 2^15 (the weights' rounding, which cancels within each row:
// e0 * (q00 - q01) + e1 * (q10 - q11) with |e| <= 2^-15), i.e. under 0.532 steps; against the float
// sandwich (DequantizeLinear -> ActiveShift -> QuantizeLinear) at most one step.
// Taps: (0,0) at row i*sh + floor(y_c), column j*sw + floor(x_c); (0,1) one column right; (1,0)
// one row down.
#pragma once

#include <cstdint>

#include "asnet/active_shift.h"

namespace asnet {

/// Bytes of scratch memory one ActiveShiftU8Forward call needs: the padded input rows of a band of
/// 32 output rows (at most 64 rows of (OW - 1) * sw + 50 <= W + 51 bytes); g non-empty.
inline int64_t ActiveShiftU8ScratchBytes(const ShiftGeometry& g) { return 64 * ((g.ow - 1) * g.sw + 2 + 48); }

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
  // The integer weights as int16 pairs per lane, the order of a multiply-add of interleaved taps:
  // w[0][2l], w[0][2l+1] = w00, w01 of lane l (top row); w[1][2l], w[1][2l+1] = w10, w11 (bottom
  // row); 0 in unused lanes.
  alignas(64) int16_t w[2][2 * kLanes];
  Group groups[kLanes];
  int count = 0;                   // groups in use
  int lanes = 0;                   // real channels in the chunk (16 except maybe the last)
  int64_t col_lo = 0, col_hi = 0;  // interior output columns [col_lo, col_hi)
  // The AVX-512 kernel can take four chunks at once (64 channels per vector). The first chunk of
  // each four (index % 4 == 0) holds their groups merged by offset, lane l of the chunk q places
  // after it as bit 16 * q + l; made here once so that the kernel does not merge them per call.
  static constexpr int kWideChunks = 4;
  struct WideGroup {
    int64_t by = 0, bx = 0;
    uint64_t bits = 0;
  };
  WideGroup wide[kWideChunks * kLanes];
  int wide_count = 0;  // groups in `wide` (0 in the other chunks)
};

/// Number of 16-channel chunks of C channels.
inline int64_t NhwcU8Chunks(int64_t c) { return c / NhwcU8ChunkPlan::kLanes + (c % NhwcU8ChunkPlan::kLanes != 0); }

/// Makes the plans of every chunk (plans has NhwcU8Chunks(g.c) entries); shift [C, 2] finite.
/// Plain scalar code: the plans serve every ISA.
void ActiveShiftNhwcU8MakePlans(const ShiftGeometry& g, const float* shift, NhwcU8ChunkPlan* plans);

/// Output columns per tile of the AVX-512 channels-last kernel at unit strides.
constexpr int64_t kNhwcU8WideTile = 32;

/// Bytes of scratch memory one ActiveShiftNhwcU8Forward call needs, plus alignment; g non-empty.
/// The 16-channel kernels: at unit strides two rows of OW + 1 pairs of widened tap columns (64
/// bytes each) and one row of OW + 1 merged columns (16 bytes each). The AVX-512 kernel (64
/// channels per vector): at unit strides two rows of kNhwcU8WideTile + 1 pairs (256 bytes each)
/// and one row of merged columns (64 bytes each); at column stride 2 two rows of up to 2 * OW
/// merged columns. (OW <= W, and X's W * C bytes of a row are in memory, so this cannot overflow.)
inline int64_t ActiveShiftNhwcU8ScratchBytes(const ShiftGeometry& g) {
  const int64_t chunk16 = (g.ow + 1) * (2 * 64 + 16);
  const int64_t wide_unit = (kNhwcU8WideTile + 1) * (2 * 256 + 64);
  const int64_t wide_strided = 2 * 64 * 2 * g.ow;
  const int64_t most = chunk16 > wide_unit ? chunk16 : wide_unit;
  return (most > wide_strided ? most : wide_strided) + 64;
}

/// Forward on channels-last uint8: X [N, H, W, C], Y [N, OH, OW, C] (g holds the logical NCHW
/// sizes). Writes output rows [row_begin, row_end) of the N * OH rows (each OW * C bytes), using
/// the plans ActiveShiftNhwcU8MakePlans made for g and this shift; scratch:
/// ActiveShiftNhwcU8ScratchBytes(g) bytes this call alone uses.
void ActiveShiftNhwcU8Forward(Isa isa, const ShiftGeometry& g, const uint8_t* x,
                              const NhwcU8ChunkPlan* plans, uint8_t zero_point, uint8_t* y,
                              int64_t row_begin, int64_t row_end, uint8_t* scratch);

}  // namespace asnet
