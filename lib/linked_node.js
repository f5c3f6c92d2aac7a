'use strict';
// Finds a libnode that a Linux addon links but the running Node is not.
// Debian's node-gyp adds -lnode on Linux, so an addon built by that npm for
// an official Node would load Debian's libnode into it: a crash at require.
// The check reads the ELF dynamic section (a few KiB), never dlopens.
const fs = require('fs');

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const DT_NEEDED = 1;
const DT_STRTAB = 5;
const MAX_DYNAMIC = 1 << 16;
const MAX_NAME = 4096;

function reader(fd) {
  return (pos, len) => {
    const buf = Buffer.alloc(len);
    const n = fs.readSync(fd, buf, 0, len, pos);
    if (n !== len) throw new Error('truncated ELF file');
    return buf;
  };
}

/** The DT_NEEDED names of an ELF file, or null if it is not ELF. */
function neededLibraries(file) {
  const fd = fs.openSync(file, 'r');
  try {
    const read = reader(fd);
    const id = read(0, 16);
    if (id.readUInt32BE(0) !== 0x7f454c46) return null;
    const is64 = id[4] === 2;
    const le = id[5] === 1;
    const u16 = (b, o) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
    const u32 = (b, o) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
    const word = is64 ?
      (b, o) => Number(le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o)) :
      u32;
    const hdr = read(0, is64 ? 64 : 52);
    const phoff = word(hdr, is64 ? 32 : 28);
    const phentsize = u16(hdr, is64 ? 54 : 42);
    const phnum = u16(hdr, is64 ? 56 : 44);
    const loads = [];
    let dyn = null;
    for (let i = 0; i < phnum; i++) {
      const ph = read(phoff + i * phentsize, phentsize);
      const type = u32(ph, 0);
      const seg = is64 ?
        { offset: word(ph, 8), vaddr: word(ph, 16), filesz: word(ph, 32) } :
        { offset: u32(ph, 4), vaddr: u32(ph, 8), filesz: u32(ph, 16) };
      if (type === PT_LOAD) loads.push(seg);
      else if (type === PT_DYNAMIC) dyn = seg;
    }
    if (dyn === null) return [];
    const ent = is64 ? 16 : 8;
    const table = read(dyn.offset, Math.min(dyn.filesz, MAX_DYNAMIC));
    const needed = [];
    let strtab = null;
    for (let o = 0; o + ent <= table.length; o += ent) {
      const tag = word(table, o);
      const val = word(table, o + ent / 2);
      if (tag === 0) break;
      if (tag === DT_NEEDED) needed.push(val);
      else if (tag === DT_STRTAB) strtab = val;
    }
    if (strtab === null) return [];
    const seg = loads.find((s) => strtab >= s.vaddr &&
      strtab < s.vaddr + s.filesz);
    if (seg === undefined) return [];
    const base = seg.offset + (strtab - seg.vaddr);
    return needed.map((off) => {
      const s = read(base + off, MAX_NAME);
      const end = s.indexOf(0);
      return s.toString('latin1', 0, end < 0 ? s.length : end);
    });
  } finally {
    fs.closeSync(fd);
  }
}

/** The libnode sonames an ELF file links ([] if none, or not ELF). */
function libnodes(file) {
  let needed;
  try {
    needed = neededLibraries(file);
  } catch {
    return [];
  }
  return (needed || []).filter((n) => /^libnode\.so(\.|$)/.test(n));
}

/**
 * The libnode soname `addon` links that this process's Node does not, or
 * null. Only Linux has the problem; elsewhere this is always null.
 */
function foreignLibnode(addon, nodeExe = process.execPath) {
  if (process.platform !== 'linux') return null;
  const wanted = libnodes(addon);
  if (wanted.length === 0) return null;
  const host = new Set(libnodes(nodeExe));
  return wanted.find((n) => !host.has(n)) || null;
}

function foreignLibnodeMessage(addon, lib) {
  return `${addon} links ${lib}, a libnode that is not this Node's ` +
    `(Node ${process.version}, ${process.execPath}); loading it would ` +
    'crash the process. It was built by a node-gyp that links libnode ' +
    "(Debian's). Fix: rebuild with offload's own build (`npm rebuild " +
    'offload`, or `npm run build` in the package), which never links ' +
    'libnode, or use the npm that came with this Node.';
}

module.exports = {
  neededLibraries, libnodes, foreignLibnode, foreignLibnodeMessage,
};
