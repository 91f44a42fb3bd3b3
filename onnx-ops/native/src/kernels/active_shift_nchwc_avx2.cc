// ActiveShiftNchwc kernel for AVX2 + FMA; flags set in CMakeLists.txt.
#define ASNET_ISA_NS avx2
#define ASNET_SIMD_AVX2 1
#include "active_shift_nchwc_impl.inc"
