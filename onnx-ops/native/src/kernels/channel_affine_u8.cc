// The ChannelAffineU8 entry points (asnet/channel_affine_u8.h): the parameter check and the
// run-time choice of the kernel.
#include "asnet/channel_affine_u8.h"

namespace asnet {

#define ASNET_DECLARE_AFFINE_ISA(ns)                                                                 \
  namespace ns {                                                                                     \
  void AffinePlanes(const ChannelAffineU8Params&, const uint8_t*, uint8_t*, int64_t, int64_t, int64_t); \
  void AffinePixels(const ChannelAffineU8Params&, const uint8_t*, uint8_t*, int64_t, int64_t);          \
  }
ASNET_DECLARE_AFFINE_ISA(sse2)
ASNET_DECLARE_AFFINE_ISA(avx2)
ASNET_DECLARE_AFFINE_ISA(avx512)
#undef ASNET_DECLARE_AFFINE_ISA

std::string ChannelAffineU8Check(const ChannelAffineU8Params& p) {
  constexpr int64_t kMin = INT32_MIN, kMax = INT32_MAX;
  for (int64_t c = 0; c < p.channels; ++c) {
    if (p.shift[c] < 0 || p.shift[c] > 30) {
      return "channel " + std::to_string(c) + ": shift must be in [0, 30], got " + std::to_string(p.shift[c]);
    }
    // multiplier * x alone must fit too (x up to 255): the kernels compute it before adding.
    const int64_t o = p.offset[c], product = int64_t{p.multiplier[c]} * 255, top = product + o;
    if (product < kMin || product > kMax || top < kMin || top > kMax) {
      return "channel " + std::to_string(c) + ": multiplier * 255 + offset = " + std::to_string(top) +
             " or multiplier * 255 overflows int32 (multiplier " + std::to_string(p.multiplier[c]) + ", offset " + std::to_string(o) + ")";
    }
  }
  return {};
}

void ChannelAffineU8Planes(Isa isa, const ChannelAffineU8Params& p, const uint8_t* x, uint8_t* y,
                           int64_t plane_size, int64_t plane_begin, int64_t plane_end) {
  switch (isa) {
    case Isa::kAvx512: return avx512::AffinePlanes(p, x, y, plane_size, plane_begin, plane_end);
    case Isa::kAvx2: return avx2::AffinePlanes(p, x, y, plane_size, plane_begin, plane_end);
    default: return sse2::AffinePlanes(p, x, y, plane_size, plane_begin, plane_end);
  }
}

void ChannelAffineU8Pixels(Isa isa, const ChannelAffineU8Params& p, const uint8_t* x, uint8_t* y,
                           int64_t pixel_begin, int64_t pixel_end) {
  switch (isa) {
    case Isa::kAvx512: return avx512::AffinePixels(p, x, y, pixel_begin, pixel_end);
    case Isa::kAvx2: return avx2::AffinePixels(p, x, y, pixel_begin, pixel_end);
    default: return sse2::AffinePixels(p, x, y, pixel_begin, pixel_end);
  }
}

}  // namespace asnet
