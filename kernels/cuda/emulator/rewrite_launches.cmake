# cmake -DIN=kernels/cuda/x.cu -DOUT=<build>/emulated/kernels/cuda/x.cu -P rewrite_launches.cmake
#
# Copies one kernels/cuda source for the CUDA emulator (cuda_emulator.h),
# rewriting every launch
#     kernel<Cfg><<<grid, block, smem, stream>>>(args)
# to  ::mgst::emu::launcher(kernel<Cfg>, "kernel<Cfg>", grid, block, smem, stream)(args)
# which a C++ compiler accepts. The launch configuration must not contain
# '>' (none of ours does); a launch left unrewritten fails the build here.
file(READ "${IN}" text)
string(REGEX REPLACE
  "([A-Za-z_][A-Za-z0-9_:]*(<[^<>;()]*>)?)[ \t\r\n]*<<<([^>]*)>>>"
  "::mgst::emu::launcher(\\1, \"\\1\", \\3)" text "${text}")
# Comments may mention the syntax; code may not keep it.
string(REGEX REPLACE "//[^\n]*" "" code "${text}")
if(code MATCHES "<<<")
  message(FATAL_ERROR "${IN}: a kernel launch the emulator rewrite does not understand "
                      "(configuration containing '>'?)")
endif()
file(WRITE "${OUT}.tmp" "#line 1 \"${IN}\"\n${text}")
file(RENAME "${OUT}.tmp" "${OUT}")
