// ActiveShift kernels compiled for the scalar instruction set (flags set in CMakeLists.txt).
#define ASNET_ISA_NS scalar
#include "active_shift_impl.inc"
