'use strict';
// Name mapping for piscina's own test suite (scripts/piscina_suite.js):
// what the suite imports as `piscina` is offload's WorkerPool under
// piscina's names. Only names are mapped here; behaviour is offload's.
const os = require('os');
const offload = require('../..');

const Piscina = offload.WorkerPool;

module.exports = Piscina;
module.exports.Piscina = Piscina;
// dist/common and dist/symbols, which a few tests import directly.
const move = require('../../lib/pool/move');

module.exports.getAvailableParallelism = os.availableParallelism;
module.exports.isMovable = move.isMovable;
module.exports.markMovable = move.markMovable;
module.exports.isTransferable = move.isTransferable;
module.exports.kQueueOptions = Piscina.queueOptionsSymbol;
