// ActiveShift kernels compiled for the avx2 instruction set (flags set in CMakeLists.txt).
#define ASNET_ISA_NS avx2
#include "active_shift_impl.inc"
