// Division of 32-bit unsigned numbers by a divisor fixed at launch time, without a hardware
// divide: q = (umulhi(n, m) + n) >> l (Granlund & Montgomery, "Division by invariant integers
// using multiplication", 1994, with the 33-bit sum done in 64 bits). Exact for every n < 2^32
// and 1 <= d <= 2^31. The kernels split flat row indices into (plane, row) with it: a real
// 32-bit division costs ~20 instructions on the GPU, this one three.
#pragma once

#include <cstdint>

#if defined(__CUDACC__)
#define ASNET_HD __host__ __device__ __forceinline__
#else
#define ASNET_HD inline
#endif

namespace asnet {
namespace cuda {

struct FastDiv {
  uint32_t d = 1;  // the divisor
  uint32_t m = 1;  // magic multiplier
  uint32_t l = 0;  // ceil(log2(d))

  FastDiv() = default;
  explicit FastDiv(uint32_t divisor) : d(divisor) {
    l = 0;
    while ((uint64_t{1} << l) < d) ++l;
    // m = floor(2^32 * (2^l - d) / d) + 1 < 2^32 for d <= 2^31.
    m = static_cast<uint32_t>(((uint64_t{1} << 32) * ((uint64_t{1} << l) - d)) / d + 1);
  }

  ASNET_HD uint32_t Div(uint32_t n) const {
#if defined(__CUDA_ARCH__)
    const uint32_t t = __umulhi(n, m);
#else
    const uint32_t t = static_cast<uint32_t>((static_cast<uint64_t>(n) * m) >> 32);
#endif
    return static_cast<uint32_t>((static_cast<uint64_t>(t) + n) >> l);
  }
};

}  // namespace cuda
}  // namespace asnet
