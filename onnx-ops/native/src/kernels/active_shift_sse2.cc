// ActiveShift kernels for the x86-64 baseline (SSE2); flags set in CMakeLists.txt.
#define ASNET_ISA_NS sse2
#include "active_shift_impl.inc"
