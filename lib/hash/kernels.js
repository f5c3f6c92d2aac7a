'use strict';
// The BLAKE3 and CRC32C kernels the native runtime dispatch picked on this
// CPU. Internal (offload._internal.hashKernels): the tests assert with it
// that the NEON and ARMv8 CRC paths are the live ones on arm64.
const binding = require('../binding');

/** @returns {{ blake3: string, crc32c: string }} a frozen copy */
function hashKernels() {
  const k = binding.hashKernels();
  return Object.freeze({ blake3: k.blake3, crc32c: k.crc32c });
}

module.exports = { hashKernels };
