// ChannelAffineU8 kernels for avx512; flags set in CMakeLists.txt.
#define ASNET_ISA_NS avx512
#define ASNET_SIMD_AVX512 1
#include "channel_affine_u8_impl.inc"
