// uint8 ActiveShift kernels for sse2; flags set in CMakeLists.txt.
#define ASNET_ISA_NS sse2
#include "active_shift_u8_impl.inc"
