// Depthwise-convolution gradient kernels for baseline x86-64 (SSE2); flags set in CMakeLists.txt.
#define ASNET_ISA_NS sse2
#include "depthwise_conv_impl.inc"
