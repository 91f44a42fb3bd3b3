// ActiveShift kernels compiled for the avx512 instruction set (flags set in CMakeLists.txt).
#define ASNET_ISA_NS avx512
#include "active_shift_impl.inc"
