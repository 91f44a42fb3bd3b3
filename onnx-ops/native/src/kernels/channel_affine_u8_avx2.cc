// ChannelAffineU8 kernels for avx2; flags set in CMakeLists.txt.
#define ASNET_ISA_NS avx2
#define ASNET_SIMD_AVX2 1
#include "channel_affine_u8_impl.inc"
