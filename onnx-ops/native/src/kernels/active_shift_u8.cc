// The uint8 ActiveShift entry points (asnet/active_shift_u8.h): the channels-last plans (baseline
// scalar code shared by every ISA: the integer weights of u8_weights.inc) and the run-time choice
// of the kernel table.
#include "asnet/active_shift_u8.h"

namespace asnet {

#define ASNET_DECLARE_U8_ISA(ns)                                                                  \
  namespace ns {                                                                                  \
  void U8Forward(const ShiftGeometry&, const uint8_t*, const float*, uint8_t, uint8_t*, int64_t,  \
                 int64_t, uint8_t*);                                                              \
  void NhwcU8Forward(const ShiftGeometry&, const uint8_t*, const NhwcU8ChunkPlan*, uint8_t,       \
                     uint8_t*, int64_t, int64_t, uint8_t*);                                       \
  }
ASNET_DECLARE_U8_ISA(sse2)
ASNET_DECLARE_U8_ISA(avx2)
ASNET_DECLARE_U8_ISA(avx512)
ASNET_DECLARE_U8_ISA(avx512vnni)
#undef ASNET_DECLARE_U8_ISA

namespace {

// AVX-512 CPUs with VNNI (Cascade Lake and later) get the table whose multiply-adds are vpdpwssd.
bool HasVnni() {
  static const bool vnni = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512vnni") != 0;
  }();
  return vnni;
}

#include "shift_taps.inc"
#include "u8_weights.inc"

void MakeChunkPlan(const ShiftGeometry& g, const float* shift, int64_t chunk, NhwcU8ChunkPlan* plan) {
  constexpr int kLanes = NhwcU8ChunkPlan::kLanes;
  const int64_t first = chunk * kLanes;
  const int lanes = static_cast<int>(Min(kLanes, g.c - first));
  for (int t = 0; t < 2; ++t) {
    for (int l = 0; l < 2 * kLanes; ++l) plan->w[t][l] = 0;
  }
  int count = 0;
  for (int l = 0; l < lanes; ++l) {
    const int64_t c = first + l;
    const AxisTaps tx = Split(shift[2 * c], g.w), ty = Split(shift[2 * c + 1], g.h);
    int32_t w[4];
    U8Weights(tx.frac, ty.frac, w);  // each in [0, 2^14]: fits int16
    plan->w[0][2 * l] = static_cast<int16_t>(w[0]);
    plan->w[0][2 * l + 1] = static_cast<int16_t>(w[1]);
    plan->w[1][2 * l] = static_cast<int16_t>(w[2]);
    plan->w[1][2 * l + 1] = static_cast<int16_t>(w[3]);
    int k = 0;
    while (k < count && (plan->groups[k].by != ty.base || plan->groups[k].bx != tx.base)) ++k;
    if (k == count) {
      plan->groups[k].by = ty.base;
      plan->groups[k].bx = tx.base;
      plan->groups[k].bits = 0;
      ++count;
    }
    plan->groups[k].bits |= 1u << l;
  }
  plan->count = count;
  plan->lanes = lanes;
  ColumnRange cols{0, g.ow};
  for (int k = 0; k < count; ++k) {
    const ColumnRange c = InteriorColumns(plan->groups[k].bx, g.w, g.sw, g.ow);
    cols.lo = Max(cols.lo, c.lo);
    cols.hi = Min(cols.hi, c.hi);
  }
  plan->col_lo = cols.lo;
  plan->col_hi = Max(cols.lo, cols.hi);
}

}  // namespace

// The merged groups of chunks first .. first + 3 (those that exist) into plans[first].wide.
void MergeWideGroups(NhwcU8ChunkPlan* plans, int64_t first, int64_t chunks) {
  NhwcU8ChunkPlan& head = plans[first];
  head.wide_count = 0;
  for (int64_t q = 0; q < NhwcU8ChunkPlan::kWideChunks && first + q < chunks; ++q) {
    const NhwcU8ChunkPlan& p = plans[first + q];
    for (int k = 0; k < p.count; ++k) {
      int j = 0;
      while (j < head.wide_count && (head.wide[j].by != p.groups[k].by || head.wide[j].bx != p.groups[k].bx)) ++j;
      if (j == head.wide_count) {
        head.wide[j].by = p.groups[k].by;
        head.wide[j].bx = p.groups[k].bx;
        head.wide[j].bits = 0;
        ++head.wide_count;
      }
      head.wide[j].bits |= static_cast<uint64_t>(p.groups[k].bits) << (NhwcU8ChunkPlan::kLanes * q);
    }
  }
}

void ActiveShiftNhwcU8MakePlans(const ShiftGeometry& g, const float* shift, NhwcU8ChunkPlan* plans) {
  const int64_t chunks = NhwcU8Chunks(g.c);
  for (int64_t k = 0; k < chunks; ++k) {
    MakeChunkPlan(g, shift, k, &plans[k]);
    plans[k].wide_count = 0;
  }
  for (int64_t k = 0; k < chunks; k += NhwcU8ChunkPlan::kWideChunks) MergeWideGroups(plans, k, chunks);
}

void ActiveShiftU8Forward(Isa isa, const ShiftGeometry& g, const uint8_t* x, const float* shift,
                          uint8_t zero_point, uint8_t* y, int64_t plane_begin, int64_t plane_end,
                          uint8_t* scratch) {
  switch (isa) {
    case Isa::kAvx512:
      if (HasVnni()) return avx512vnni::U8Forward(g, x, shift, zero_point, y, plane_begin, plane_end, scratch);
      return avx512::U8Forward(g, x, shift, zero_point, y, plane_begin, plane_end, scratch);
    case Isa::kAvx2: return avx2::U8Forward(g, x, shift, zero_point, y, plane_begin, plane_end, scratch);
    default: return sse2::U8Forward(g, x, shift, zero_point, y, plane_begin, plane_end, scratch);
  }
}

void ActiveShiftNhwcU8Forward(Isa isa, const ShiftGeometry& g, const uint8_t* x,
                              const NhwcU8ChunkPlan* plans, uint8_t zero_point, uint8_t* y,
                              int64_t row_begin, int64_t row_end, uint8_t* scratch) {
  switch (isa) {
    case Isa::kAvx512:
      if (HasVnni()) return avx512vnni::NhwcU8Forward(g, x, plans, zero_point, y, row_begin, row_end, scratch);
      return avx512::NhwcU8Forward(g, x, plans, zero_point, y, row_begin, row_end, scratch);
    case Isa::kAvx2: return avx2::NhwcU8Forward(g, x, plans, zero_point, y, row_begin, row_end, scratch);
    default: return sse2::NhwcU8Forward(g, x, plans, zero_point, y, row_begin, row_end, scratch);
  }
}

}  // namespace asnet
