'use strict';
// One call to the flaky dependency: its JSON, or an ERR_DOWNSTREAM error
// (an HTTP error, a refused or reset connection, or no answer in 1 s).
async function callDownstream(url) {
  let res;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(1000) });
  } catch (err) {
    throw Object.assign(new Error(`downstream unreachable: ${err.message}`),
      { code: 'ERR_DOWNSTREAM', cause: err });
  }
  if (!res.ok) {
    await res.arrayBuffer();
    throw Object.assign(new Error(`downstream ${res.status}`),
      { code: 'ERR_DOWNSTREAM' });
  }
  return res.json();
}

module.exports = { callDownstream };
