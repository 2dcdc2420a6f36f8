// The JavaScript reference side of bench/run.py: @digitalbazaar/vc 7 issue and
// verifyCredential (eddsa-rdfc-2022 and eddsa-jcs-2022) and jsonld.js canonize, timed on
// the credential bench/run.py sends. Uses interop/lib.mjs and interop/node_modules
// (offline document loader over microcred's bundled contexts, did:key resolved locally).
//
// Input (standard input, JSON): {"credential", "key" (Multikey with secretKeyMultibase),
// "budget" (seconds per row)}. Output (standard output, JSON):
// {"node", "rows": {name: {"ops", "seconds", "per_second"}}}.

import {performance} from 'node:perf_hooks';
import {
  canonize, issue, keyPairFrom, resultError, verifyCredential, verifyingSuites,
} from '../interop/lib.mjs';

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

const ROUNDS = 3;

async function timeRound(fn, seconds) {
  let ops = 0;
  const start = performance.now();
  const stop = start + seconds * 1000;
  let now = start;
  while(now < stop) {
    await fn();
    ops++;
    now = performance.now();
  }
  const elapsed = (now - start) / 1000;
  return {ops, seconds: elapsed, per_second: ops / elapsed};
}

// Run `fn` for about `budget` seconds after a short warm-up, in ROUNDS rounds; the
// fastest round (as bench/run.py does).
async function timeIt(fn, budget) {
  const warmUntil = performance.now() + Math.min(300, budget * 150);
  while(performance.now() < warmUntil) {
    await fn();
  }
  let best = null;
  for(let i = 0; i < ROUNDS; i++) {
    const round = await timeRound(fn, budget / ROUNDS);
    if(best === null || round.per_second > best.per_second) {
      best = round;
    }
  }
  return best;
}

const {credential, key, budget} = await readStdin();
const keyPair = await keyPairFrom(key);
const suites = verifyingSuites();
const rows = {};

for(const suite of ['eddsa-rdfc-2022', 'eddsa-jcs-2022']) {
  const signed = await issue(credential, keyPair, suite);
  const check = await verifyCredential(signed, suites);
  if(!check.verified) {
    throw new Error(`${suite}: the reference does not verify its own credential: ` +
      resultError(check));
  }
  rows[`${suite} issue`] = await timeIt(() => issue(credential, keyPair, suite), budget);
  rows[`${suite} verifyCredential`] = await timeIt(async () => {
    const result = await verifyCredential(signed, suites);
    if(!result.verified) {
      throw new Error(`${suite}: verification failed while timing`);
    }
  }, budget);
}
rows['jsonld.js canonize (RDFC-1.0)'] = await timeIt(() => canonize(credential), budget);

process.stdout.write(JSON.stringify({node: process.version, rows}));
