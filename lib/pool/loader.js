'use strict';
// Worker side: task modules and the functions they export. A module is
// loaded as piscina loads it: require() first (CommonJS, and TypeScript
// through a require hook such as tsx or ts-node given in execArgv), then
// import() for what only the ESM loader takes. An export may be a Promise
// of the function (or of the exports).
const fs = require('fs');
const { types } = require('util');
const { fileURLToPath } = require('url');
const { coded } = require('../errors');

const modules = new Map(); // url → Promise of a namespace-like object
const fns = new Map(); // url \n name → function

const thenable = (v) => v !== null && (typeof v === 'object' ||
  typeof v === 'function') && typeof v.then === 'function';

// Errors after which import() may still load the file, with no module
// code run yet.
function esmOnly(err) {
  if (err instanceof SyntaxError) return true;
  const code = err && err.code;
  return code === 'ERR_REQUIRE_ESM' || code === 'ERR_REQUIRE_ASYNC_MODULE' ||
    code === 'ERR_UNKNOWN_FILE_EXTENSION';
}

async function load(url) {
  if (url.startsWith('file:') && !url.endsWith('.mjs')) {
    const file = fileURLToPath(url);
    // A missing file goes to import(): its error is ERR_MODULE_NOT_FOUND.
    if (fs.existsSync(file)) {
      let exported;
      try {
        exported = require(file);
      } catch (err) {
        if (!esmOnly(err)) throw err;
        return import(url);
      }
      if (types.isModuleNamespaceObject(exported)) return exported;
      // CommonJS: what import() would give, its exports as `default`.
      return { default: thenable(exported) ? await exported : exported };
    }
  }
  return import(url);
}

// A CommonJS module is its namespace's `default`; a transpiled one may
// nest its exports once more under `default`.
async function pick(ns, name) {
  const cjs = ns.default;
  let fn;
  if (name === 'default') {
    fn = thenable(cjs) ? await cjs : cjs;
    if (typeof fn !== 'function' && fn != null) fn = await fn.default;
  } else {
    fn = ns[name];
    if (fn === undefined && cjs != null) fn = cjs[name];
    if (thenable(fn)) fn = await fn;
  }
  return fn;
}

/** Starts loading `url` (once); rejects with what the module threw. */
function preload(url) {
  let p = modules.get(url);
  if (p === undefined) {
    p = load(url);
    p.catch(() => {}); // reported through the tasks that need it
    modules.set(url, p);
  }
  return p;
}

/** The cached task function, or undefined if it has to be loaded. */
function cached(url, name) {
  return fns.get(`${url}\n${name}`);
}

/** Loads `url` and finds `name`; rejects ERR_INVALID_ARG_VALUE if absent. */
async function resolve(url, name) {
  const fn = await pick(await preload(url), name);
  if (typeof fn !== 'function') {
    throw coded(TypeError, 'ERR_INVALID_ARG_VALUE',
      `The task module ${url} has no function export named '${name}'`);
  }
  fns.set(`${url}\n${name}`, fn);
  return fn;
}

module.exports = { preload, cached, resolve };
