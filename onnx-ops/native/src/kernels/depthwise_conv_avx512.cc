// Depthwise-convolution gradient kernels for AVX-512; flags set in CMakeLists.txt.
#define ASNET_ISA_NS avx512
#include "depthwise_conv_impl.inc"
