# node-gyp build of the optional `torch` backend addon. Run through scripts/build-torch.mjs
# (npm run build:torch), which finds libtorch and passes its folders in GYP_DEFINES.
# It lives here, not at the package root: npm runs `node-gyp rebuild` at install for any package
# with a root binding.gyp, which would make libtorch a requirement of `npm ci`.
{
  "variables": {
    "libtorch_include%": "/usr/include",
    "libtorch_api_include%": "/usr/include/torch/csrc/api/include",
    "libtorch_lib%": "/usr/lib/x86_64-linux-gnu",
    "libtorch_libs%": "-ltorch -ltorch_cpu -lc10",
    "cxx11_abi%": "1",
    "napi_include%": "node_modules/node-addon-api"
  },
  "targets": [
    {
      "target_name": "gqn_torch",
      "sources": ["gqn_torch.cc"],
      "include_dirs": ["<(napi_include)", "<(libtorch_include)", "<(libtorch_api_include)"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "_GLIBCXX_USE_CXX11_ABI=<(cxx11_abi)"],
      "cflags!": ["-fno-exceptions", "-fno-rtti", "-O3"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17", "-O3"],
      "cflags_cc": ["-std=c++17", "-O2", "-fexceptions", "-frtti", "-Wno-deprecated-declarations"],
      "ldflags": ["-Wl,--no-as-needed", "-Wl,-rpath,<(libtorch_lib)"],
      "libraries": ["-L<(libtorch_lib)", "<@(libtorch_libs)", "-Wl,--as-needed"]
    }
  ]
}
