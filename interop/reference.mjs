// The JavaScript reference as a batch tool for interop/cross_verify.py.
//
// Reads one JSON object from standard input with any of these lists:
//   "verify":   [{"id", "credential"}]                    -> [{"id", "verified", "error"}]
//   "issue":    [{"id", "credential", "key", "suite", "created"}]
//                                                          -> [{"id", "credential", "error"}]
//   "canonize": [{"id", "document" or "text", "options"}]  -> [{"id", "nquads", "error"}]
//               ("options" are extra jsonld.js canonize options, e.g. maxWorkFactor)
// and writes the answers, under the same names, as one JSON object to standard output.
// "key" is a Multikey export with secretKeyMultibase (from microcred's to_multikey).

import {
  canonize, describeError, issue, keyPairFrom, resultError, verifyCredential,
} from './lib.mjs';

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

async function verifyAll(items) {
  const out = [];
  for(const {id, credential} of items) {
    try {
      const result = await verifyCredential(credential);
      out.push({id, verified: result.verified === true,
        error: result.verified ? null : resultError(result)});
    } catch(e) {
      out.push({id, verified: false, error: describeError(e)});
    }
  }
  return out;
}

async function issueAll(items) {
  const out = [];
  for(const {id, credential, key, suite, created} of items) {
    try {
      const keyPair = await keyPairFrom(key);
      const signed = await issue(credential, keyPair, suite, created);
      out.push({id, credential: signed, error: null});
    } catch(e) {
      out.push({id, credential: null, error: describeError(e)});
    }
  }
  return out;
}

async function canonizeAll(items) {
  const out = [];
  for(const {id, document, text, options} of items) {
    try {
      const input = text === undefined ? document : JSON.parse(text);
      out.push({id, nquads: await canonize(input, options), error: null});
    } catch(e) {
      out.push({id, nquads: null, error: describeError(e)});
    }
  }
  return out;
}

const request = await readStdin();
const answer = {};
if(request.verify) {
  answer.verify = await verifyAll(request.verify);
}
if(request.issue) {
  answer.issue = await issueAll(request.issue);
}
if(request.canonize) {
  answer.canonize = await canonizeAll(request.canonize);
}
process.stdout.write(JSON.stringify(answer));
