// Shared set-up for the JavaScript reference side (Digital Bazaar's @digitalbazaar/vc 7).
//
// Everything here works offline: JSON-LD contexts come from microcred's bundled files
// (src/microcred/core/contexts/index.json, each checked against its SHA-256), and did:key
// verification methods are derived from the key itself. Any other URL is refused.

import {createHash} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

import * as vc from '@digitalbazaar/vc';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as DidKey from '@digitalbazaar/did-method-key';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {
  createSignCryptosuite as createJcsSignCryptosuite,
  createVerifyCryptosuite as createJcsVerifyCryptosuite,
} from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import jsonld from 'jsonld';

export {vc, jsonld, Ed25519Multikey};

const here = dirname(fileURLToPath(import.meta.url));
export const CONTEXTS_DIR = join(here, '..', 'src', 'microcred', 'core', 'contexts');

// microcred serves its published copy of OB 3.0.3 by default; the 1EdTech validator's
// superset of it shares the URL and is only a verifier option there, so it is skipped.
const VALIDATOR_VARIANT = 'ob-v3p0-context-3.0.3.1edtech-validator-2026.json';

// Served as they are (no copy per load, as the usual JS loaders do); frozen, so a library
// that tried to change one would throw.
function deepFreeze(value) {
  if(value !== null && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

function readBundledContexts() {
  const index = JSON.parse(readFileSync(join(CONTEXTS_DIR, 'index.json'), 'utf8'));
  const contexts = new Map();
  for(const entry of index) {
    if(entry.file === VALIDATOR_VARIANT || contexts.has(entry.url)) {
      continue;
    }
    const raw = readFileSync(join(CONTEXTS_DIR, entry.file));
    const digest = createHash('sha256').update(raw).digest('hex');
    if(digest !== entry.sha256) {
      throw new Error(`bundled context ${entry.file} does not match its SHA-256`);
    }
    contexts.set(entry.url, deepFreeze(JSON.parse(raw.toString('utf8'))));
  }
  return contexts;
}

export const CONTEXTS = readBundledContexts();

const didKeyDriver = DidKey.driver();
didKeyDriver.use({
  multibaseMultikeyHeader: 'z6Mk',
  fromMultibase: Ed25519Multikey.from,
});

/** An offline jsonld.js document loader: bundled contexts and did:key only. */
export async function documentLoader(url) {
  const context = CONTEXTS.get(url);
  if(context !== undefined) {
    return {contextUrl: null, documentUrl: url, document: context};
  }
  if(url.startsWith('did:key:')) {
    const document = await didKeyDriver.get({url});
    return {contextUrl: null, documentUrl: url, document};
  }
  throw new Error(`interop document loader: refusing to load ${url} (offline)`);
}

export const SUITE_NAMES = ['eddsa-rdfc-2022', 'eddsa-jcs-2022'];

/** A signing DataIntegrityProof for `cryptosuite` with the key pair's signer. */
export function signingSuite(name, keyPair, date) {
  const cryptosuite = name === 'eddsa-rdfc-2022' ? eddsaRdfc2022 :
    name === 'eddsa-jcs-2022' ? createJcsSignCryptosuite() : null;
  if(cryptosuite === null) {
    throw new Error(`unknown cryptosuite ${name}`);
  }
  return new DataIntegrityProof({signer: keyPair.signer(), cryptosuite, date});
}

/** Verifying suites for both EdDSA cryptosuites. */
export function verifyingSuites() {
  return [
    new DataIntegrityProof({cryptosuite: eddsaRdfc2022}),
    new DataIntegrityProof({cryptosuite: createJcsVerifyCryptosuite()}),
  ];
}

/** A key pair from microcred's Multikey export (with secretKeyMultibase). */
export async function keyPairFrom(multikey) {
  return Ed25519Multikey.from({
    id: multikey.id,
    controller: multikey.controller,
    publicKeyMultibase: multikey.publicKeyMultibase,
    secretKeyMultibase: multikey.secretKeyMultibase,
  });
}

/** A status check that accepts any entry (status lists are not part of this test). */
export async function checkStatus() {
  return {verified: true};
}

/** `vc.issue` with a Data Integrity proof of the named cryptosuite. */
export async function issue(credential, keyPair, suiteName, date) {
  return vc.issue({
    credential: structuredClone(credential),
    suite: signingSuite(suiteName, keyPair, date),
    documentLoader,
  });
}

/** `vc.verifyCredential` accepting either EdDSA cryptosuite. */
export async function verifyCredential(credential, suites = verifyingSuites()) {
  return vc.verifyCredential({
    credential,
    suite: suites,
    documentLoader,
    checkStatus,
  });
}

/**
 * Canonical N-Quads as the eddsa-rdfc-2022 cryptosuite computes them: jsonld.js toRDF in
 * safe mode with rdfDirection "i18n-datatype", then rdf-canonize RDFC-1.0.
 * `canonizeOptions` go to rdf-canonize (e.g. {maxWorkFactor: 2}; its default is 1).
 */
export async function canonize(document, canonizeOptions = {}) {
  return jsonld.canonize(document, {
    format: 'application/n-quads',
    documentLoader,
    base: null,
    safe: true,
    rdfDirection: 'i18n-datatype',
    canonizeOptions: {algorithm: 'RDFC-1.0', ...canonizeOptions},
  });
}

/** A short, readable message for an error or a failed verification result. */
export function describeError(error) {
  if(!error) {
    return '';
  }
  const errors = Array.isArray(error) ? error : [error];
  return errors.map(e => {
    const inner = e?.errors ? ` (${describeError(e.errors)})` : '';
    const cause = e?.cause ? ` [cause: ${describeError(e.cause)}]` : '';
    return `${e?.name ?? 'Error'}: ${e?.message ?? String(e)}${inner}${cause}`;
  }).join('; ');
}

export function resultError(result) {
  const parts = [];
  if(result?.error) {
    parts.push(describeError(result.error));
  }
  for(const r of result?.results ?? []) {
    if(!r.verified && r.error) {
      parts.push(describeError(r.error));
    }
  }
  if(result?.statusResult && !result.statusResult.verified) {
    parts.push('status check failed');
  }
  return parts.join('; ') || 'not verified';
}
