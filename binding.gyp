{
  "variables": {
    "ofl_werror%": "<!(node -p \"process.env.OFL_WERROR === '1' ? 1 : 0\")"
  },
  "targets": [
    {
      "target_name": "offload",
      "sources": ["<!@(node scripts/sources.js sources)"],
      "include_dirs": ["<!@(node scripts/sources.js includes)", "<!@(node scripts/libs.js cflags)"],
      "libraries": ["<!@(node scripts/libs.js libs)"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags_c": ["-std=gnu11", "-Wall", "-Wextra", "-fvisibility=hidden", "-O3"],
      "cflags!": ["-fno-exceptions"],
      "conditions": [
        ["ofl_werror==1", { "cflags_c": ["-Werror"] }],
        ["OS=='linux'", {
          "libraries!": ["-lnode"],
          "ldflags": ["-Wl,--version-script=<(module_root_dir)/src/napi/exports.map"]
        }],
        ["OS=='mac'", {
          "xcode_settings": {
            "GCC_C_LANGUAGE_STANDARD": "c11",
            "GCC_SYMBOLS_PRIVATE_EXTERN": "YES",
            "WARNING_CFLAGS": ["-Wall", "-Wextra"],
            "MACOSX_DEPLOYMENT_TARGET": "10.15",
            "OTHER_LDFLAGS": ["-Wl,-exported_symbols_list,<(module_root_dir)/src/napi/exports.darwin"]
          }
        }],
        ["OS=='win'", {
          "msvs_settings": { "VCCLCompilerTool": { "AdditionalOptions": ["/std:c11", "/experimental:c11atomics"] } }
        }]
      ]
    }
  ]
}
