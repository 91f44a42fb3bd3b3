// ChannelAffineU8 kernels for sse2; flags set in CMakeLists.txt.
#define ASNET_ISA_NS sse2
#include "channel_affine_u8_impl.inc"
