// Depthwise-convolution gradient kernels for AVX2 + FMA; flags set in CMakeLists.txt.
#define ASNET_ISA_NS avx2
#include "depthwise_conv_impl.inc"
