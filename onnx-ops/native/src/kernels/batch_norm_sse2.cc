// Training kernels for baseline x86-64 (SSE2); flags set in CMakeLists.txt.
#define ASNET_ISA_NS sse2
#include "batch_norm_impl.inc"
