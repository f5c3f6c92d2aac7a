'use strict';
// WorkerPool options: defaults in one frozen object (piscina's), then one
// block per option, each with one error format.
const os = require('os');
const path = require('path');
const { pathToFileURL } = require('url');
const { SHARE_ENV } = require('worker_threads');
const { inspect } = require('util');
const { codes, coded } = require('../errors');
const {
  validateObject, validateInteger, validateString, validateAbortSignal,
  listenAbort,
} = require('../validate');
const { CircuitBreaker } = require('../breaker');

const { PRIORITIES, isTaskQueue } = require('./queue');

const I32 = 2 ** 31 - 1;
const parallelism = typeof os.availableParallelism === 'function' ?
  os.availableParallelism() : os.cpus().length;

const DEFAULTS = Object.freeze({
  name: 'default',
  minThreads: Math.max(Math.floor(parallelism / 2), 1),
  maxThreads: Math.max(Math.floor(parallelism * 1.5), 1),
  idleTimeout: 0,
  maxQueue: Infinity,
  taskTimeout: 0,
  closeTimeout: 30000,
  cancelGrace: 1000,
  concurrentTasksPerWorker: 1,
  atomics: 'sync',
  trackUnmanagedFds: true,
  recordTiming: true,
  niceIncrement: 0,
  stricterFIFO: false,
  maxArenaBytes: 256 << 20,
});

const ATOMICS = ['sync', 'async', 'disabled'];
// Every option a WorkerPool takes; any other name is refused, so a piscina
// option offload lacks (taskQueue, loadBalancer ...) is never ignored.
const KNOWN = ['filename', 'name', 'minThreads', 'maxThreads', 'idleTimeout',
  'maxQueue', 'taskTimeout', 'closeTimeout', 'cancelGrace',
  'resourceLimits', 'workerData', 'env', 'argv', 'execArgv', 'breaker',
  'concurrentTasksPerWorker', 'atomics', 'niceIncrement',
  'trackUnmanagedFds', 'recordTiming', 'stricterFIFO', 'maxArenaBytes',
  'taskQueue'];

const LIMITS = ['maxOldGenerationSizeMb', 'maxYoungGenerationSizeMb',
  'codeRangeSizeMb', 'stackSizeMb'];

// A file: URL string for import(); relative paths resolve against the cwd.
function moduleUrl(value) {
  if (value instanceof URL) value = value.href;
  else if (typeof value !== 'string') {
    throw typeError('filename', 'must be a string or null (or a file: URL)',
      value);
  }
  if (value === '') {
    throw codes.ERR_INVALID_ARG_VALUE('options.filename', value,
      'must be a path or a file: URL');
  }
  if (/^[a-z][a-z0-9+.-]+:/i.test(value) && !/^[a-z]:[\\/]/i.test(value)) {
    if (!value.startsWith('file:')) {
      throw codes.ERR_INVALID_ARG_VALUE('options.filename', value,
        'must be a path or a file: URL');
    }
    return value;
  }
  return pathToFileURL(path.resolve(value)).href;
}

// Constructor errors: offload's codes and classes, piscina's wording
// (code written for piscina may match on it), then what was received.
const received = (v) => `. Received ${inspect(v, { depth: 0 })}`;
const typeError = (key, phrase, v) => coded(TypeError,
  'ERR_INVALID_ARG_TYPE', `options.${key} ${phrase}${received(v)}`);
const rangeError = (key, phrase, v) => coded(RangeError, 'ERR_OUT_OF_RANGE',
  `options.${key} ${phrase}${received(v)}`);

/** An integer option in [min, max]; Infinity too where `infinite`. */
function integer(options, key, min, max, { infinite = false } = {}) {
  const v = options[key];
  if (v === undefined) return DEFAULTS[key];
  if (infinite && v === Infinity) return v;
  const phrase = min === 0 ? 'must be a non-negative integer' :
    'must be a positive integer';
  if (typeof v !== 'number') throw typeError(key, phrase, v);
  if (!Number.isInteger(v) || v < min || v > max) {
    throw rangeError(key, `${phrase} (at most ${max})`, v);
  }
  return v;
}

// ms, or Infinity where "never" makes sense.
const ms = (options, key, opts) => integer(options, key, 0, I32, opts);

function stringArray(value, name) {
  if (!Array.isArray(value)) {
    throw codes.ERR_INVALID_ARG_TYPE(name, 'an instance of Array', value);
  }
  value.forEach((v, i) => validateString(v, `${name}[${i}]`));
  return value.slice();
}

function breakerOption(value) {
  if (value instanceof CircuitBreaker) return value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw codes.ERR_INVALID_ARG_TYPE('options.breaker',
      'an instance of CircuitBreaker or of type object', value);
  }
  return new CircuitBreaker(null, value);
}

/** Validates the constructor's options; returns a normalised copy. */
function normalize(input) {
  // Own properties only: nothing set on Object.prototype (execArgv, env,
  // resourceLimits ...) may reach a worker.
  const options = validateObject(input, 'options', { optional: true });
  const o = Object.create(null);
  // As in piscina, it may come with each run() instead.
  o.filename = options.filename == null ? null : moduleUrl(options.filename);

  o.name = DEFAULTS.name;
  if (options.name != null) {
    o.name = options.name;
    if (typeof o.name !== 'string') {
      throw typeError('name', 'must be a string or null', o.name);
    }
    if (o.name === '') {
      throw codes.ERR_INVALID_ARG_VALUE('options.name', '',
        'must not be empty');
    }
  }

  // As in piscina: one bound given, the other's default moves to fit it.
  const min = options.minThreads;
  const max = options.maxThreads;
  o.minThreads = integer(options, 'minThreads', 0, 1024);
  o.maxThreads = integer(options, 'maxThreads', 1, 1024);
  if (min === undefined) o.minThreads = Math.min(o.minThreads, o.maxThreads);
  else if (max === undefined) {
    o.maxThreads = Math.max(o.maxThreads, o.minThreads, 1);
  } else if (min > max) {
    throw coded(RangeError, 'ERR_OUT_OF_RANGE', 'options.minThreads and ' +
      `options.maxThreads must not conflict: minThreads ${min} > ` +
      `maxThreads ${max}`);
  }

  o.idleTimeout = ms(options, 'idleTimeout', { infinite: true });
  o.taskTimeout = ms(options, 'taskTimeout');
  o.closeTimeout = ms(options, 'closeTimeout');
  o.cancelGrace = ms(options, 'cancelGrace');

  const q = options.maxQueue;
  if (q === undefined || q === Infinity) o.maxQueue = Infinity;
  else if (q === 'auto') o.maxQueue = o.maxThreads ** 2;
  else if (typeof q === 'string') {
    throw coded(TypeError, 'ERR_INVALID_ARG_VALUE',
      `options.maxQueue must be a non-negative integer or 'auto'${
        received(q)}`);
  } else {
    o.maxQueue = integer(options, 'maxQueue', 0, Number.MAX_SAFE_INTEGER);
  }

  o.resourceLimits = undefined;
  if (options.resourceLimits !== undefined) {
    const rl = options.resourceLimits;
    if (rl === null || typeof rl !== 'object' || Array.isArray(rl)) {
      throw typeError('resourceLimits', 'must be an object', rl);
    }
    const r = validateObject(rl, 'options.resourceLimits');
    o.resourceLimits = Object.create(null);
    for (const key of Object.keys(r)) {
      if (!LIMITS.includes(key)) {
        throw codes.ERR_INVALID_ARG_VALUE(`options.resourceLimits.${key}`,
          r[key], `is not one of ${LIMITS.join(', ')}`);
      }
      const v = r[key];
      if (typeof v !== 'number') {
        throw codes.ERR_INVALID_ARG_TYPE(`options.resourceLimits.${key}`,
          'of type number', v);
      }
      if (!(v > 0 && v <= 2 ** 20)) {
        throw codes.ERR_OUT_OF_RANGE(`options.resourceLimits.${key}`,
          '> 0 && <= 1048576', v);
      }
      o.resourceLimits[key] = v;
    }
  }

  o.workerData = options.workerData;
  o.env = undefined;
  if (options.env !== undefined) {
    o.env = options.env === SHARE_ENV ? SHARE_ENV :
      validateObject(options.env, 'options.env', { optional: false });
  }
  o.argv = options.argv === undefined ? undefined :
    stringArray(options.argv, 'options.argv');
  o.execArgv = options.execArgv === undefined ? undefined :
    stringArray(options.execArgv, 'options.execArgv');
  o.breaker = options.breaker === undefined ? null :
    breakerOption(options.breaker);

  o.concurrentTasksPerWorker = integer(options, 'concurrentTasksPerWorker',
    1, 1024);
  o.atomics = DEFAULTS.atomics;
  if (options.atomics !== undefined) {
    o.atomics = options.atomics;
    if (!ATOMICS.includes(o.atomics)) {
      throw coded(TypeError, 'ERR_INVALID_ARG_VALUE',
        `options.atomics must be 'sync', 'async' or 'disabled'${
          received(o.atomics)}`);
    }
  }
  o.niceIncrement = integer(options, 'niceIncrement', 0, 19);
  o.trackUnmanagedFds = bool(options, 'trackUnmanagedFds');
  o.recordTiming = bool(options, 'recordTiming');
  // Tasks always leave the queue in submission order (within a priority
  // lane), which is what piscina's stricterFIFO asks for.
  o.stricterFIFO = bool(options, 'stricterFIFO');
  o.taskQueue = null;
  if (options.taskQueue !== undefined) {
    if (!isTaskQueue(options.taskQueue)) {
      throw typeError('taskQueue', 'must be a TaskQueue object ' +
        '({ size, push, shift, remove })', options.taskQueue);
    }
    o.taskQueue = options.taskQueue;
  }
  o.maxArenaBytes = integer(options, 'maxArenaBytes', 0,
    Number.MAX_SAFE_INTEGER);

  for (const key of Object.keys(options)) {
    if (!KNOWN.includes(key)) {
      throw codes.ERR_INVALID_ARG_VALUE(`options.${key}`, options[key],
        'is not an option of WorkerPool');
    }
  }
  return o;
}

function bool(options, key) {
  const v = options[key];
  if (v === undefined) return DEFAULTS[key];
  if (typeof v !== 'boolean') throw typeError(key, 'must be a boolean', v);
  return v;
}

// Node versions disagree on what postMessage throws for a bad entry
// (Node 22: a DataCloneError for a primitive), so the pool checks first and
// gives one documented code everywhere.
function validateTransferList(list) {
  const seen = new Set();
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (v === null || (typeof v !== 'object' && typeof v !== 'function')) {
      throw codes.ERR_INVALID_TRANSFER_OBJECT(
        `options.transferList[${i}] is ${v === null ? 'null' : typeof v}`);
    }
    if (seen.has(v)) {
      throw codes.ERR_INVALID_TRANSFER_OBJECT(
        `options.transferList[${i}] is listed twice`);
    }
    seen.add(v);
  }
  return list.slice();
}

// An AbortSignal, or (as piscina takes) an EventEmitter that emits 'abort'.
function runSignal(value) {
  if (value == null) return null;
  if (value !== null && typeof value === 'object' &&
      typeof value.addEventListener !== 'function' &&
      typeof value.once === 'function' &&
      typeof value.removeListener === 'function') return value;
  try {
    return validateAbortSignal(value, 'options.signal');
  } catch {
    throw argError('signal argument must be an object (an AbortSignal or ' +
      'an EventEmitter)', value);
  }
}

// run() errors: offload's code, piscina's wording.
const argError = (phrase, v) => coded(TypeError, 'ERR_INVALID_ARG_TYPE',
  `${phrase}${received(v)}`);

/** Calls `listener` once when `signal` aborts; returns its remover. */
function onAbort(signal, listener) {
  if (typeof signal.addEventListener === 'function') {
    return listenAbort(signal, listener);
  }
  signal.once('abort', listener);
  return () => {
    try {
      signal.removeListener('abort', listener);
    } catch {
      // an emitter whose removeListener throws: nothing left to undo
    }
  };
}

/** Validates run()'s options (throws; run() turns that into a reject). */
function runOptions(options, poolTimeout) {
  if (options === null || typeof options !== 'object' ||
      Array.isArray(options)) {
    throw argError('options must be an object', options);
  }
  const o = validateObject(options, 'options');
  let filename = null;
  if (o.filename != null) {
    if (typeof o.filename !== 'string' && !(o.filename instanceof URL)) {
      throw argError('filename argument must be a string (or a file: URL)',
        o.filename);
    }
    filename = moduleUrl(o.filename);
  }
  let name = null;
  if (o.name != null) { // null, as in piscina: the pool's
    if (typeof o.name !== 'string') {
      throw argError('name argument must be a string', o.name);
    }
    name = o.name;
    if (name === '') {
      throw codes.ERR_INVALID_ARG_VALUE('options.name', '',
        'must not be empty');
    }
  }
  let transferList = null;
  if (o.transferList !== undefined) {
    if (!Array.isArray(o.transferList)) {
      throw argError('transferList argument must be an Array',
        o.transferList);
    }
    transferList = validateTransferList(o.transferList);
  }
  const signal = runSignal(o.signal);
  const timeout = o.timeout === undefined ? poolTimeout :
    validateInteger(o.timeout, 'options.timeout', 0, I32);
  let lane = 1;
  if (o.priority !== undefined) {
    lane = PRIORITIES.indexOf(o.priority);
    if (lane === -1) {
      throw codes.ERR_INVALID_ARG_VALUE('options.priority', o.priority,
        "must be 'high', 'normal' or 'low'");
    }
  }
  return { name, transferList, signal, timeout, lane, filename };
}

module.exports = { DEFAULTS, normalize, runOptions, onAbort };
