// Training kernels for AVX-512; flags set in CMakeLists.txt.
#define ASNET_ISA_NS avx512
#include "batch_norm_impl.inc"
