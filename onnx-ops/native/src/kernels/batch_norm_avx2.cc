// Training kernels for AVX2 + FMA; flags set in CMakeLists.txt.
#define ASNET_ISA_NS avx2
#include "batch_norm_impl.inc"
