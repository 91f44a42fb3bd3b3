// uint8 ActiveShift kernels for avx512; flags set in CMakeLists.txt.
#define ASNET_ISA_NS avx512
#define ASNET_SIMD_AVX512 1
#include "active_shift_u8_impl.inc"
