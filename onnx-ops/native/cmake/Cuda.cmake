# CUDA kernels (issue 7) are added here when nvcc is present; the CPU library never needs it.
