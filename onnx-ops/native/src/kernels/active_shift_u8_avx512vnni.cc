// uint8 ActiveShift kernels for avx512 with VNNI (vpdpwssd for the weight multiply-adds: the same
// integers in fewer instructions); flags set in CMakeLists.txt, chosen at run time where the CPU has
// avx512_vnni.
#define ASNET_ISA_NS avx512vnni
#define ASNET_SIMD_AVX512 1
#define ASNET_SIMD_VNNI 1
#include "active_shift_u8_impl.inc"
