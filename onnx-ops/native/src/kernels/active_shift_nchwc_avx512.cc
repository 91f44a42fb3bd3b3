// ActiveShiftNchwc kernel for AVX-512 (F, VL, BW, DQ); flags set in CMakeLists.txt.
#define ASNET_ISA_NS avx512
#define ASNET_SIMD_AVX512 1
#include "active_shift_nchwc_impl.inc"
