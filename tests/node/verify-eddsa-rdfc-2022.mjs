// Verifies an eddsa-rdfc-2022 credential with Digital Bazaar's implementation, offline.
//
//   node verify-eddsa-rdfc-2022.mjs CONTEXT_DIR[=BASE_URL]... < credential.json
//
// Each CONTEXT_DIR holds a manifest.json ({contexts: [{url, file, sha256}]}, as the service pins
// contexts; relative URLs resolve against BASE_URL). Besides those files the document loader knows
// the contexts bundled with these libraries and did:key documents (Multikey, as the did:key
// method gives them); any other URL is an error naming it. Only the proof is checked: the status
// list is the service's concern, so the status check passes.
// Prints {"verified": bool, "error"?: string}.
import {createHash} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as didKey from '@digitalbazaar/did-method-key';
import {contexts as credentialsContexts} from '@digitalbazaar/credentials-context';

const documents = new Map(credentialsContexts);
for(const argument of process.argv.slice(2)) {
  const [directory, baseUrl] = argument.split('=');
  const manifest = JSON.parse(readFileSync(join(directory, 'manifest.json')));
  for(const {url, file, sha256} of manifest.contexts) {
    const data = readFileSync(join(directory, file));
    if(createHash('sha256').update(data).digest('hex') !== sha256) {
      throw new Error(`${file} does not match its sha256 in ${directory}`);
    }
    documents.set(baseUrl ? new URL(url, baseUrl.replace(/\/?$/, '/')).href : url, JSON.parse(data));
  }
}

const didKeyDriver = didKey.driver();
didKeyDriver.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from});

async function documentLoader(url) {
  if(documents.has(url)) {
    return {contextUrl: null, documentUrl: url, document: documents.get(url)};
  }
  if(url.startsWith('did:key:')) {
    return {contextUrl: null, documentUrl: url, document: await didKeyDriver.get({url})};
  }
  throw new Error(`${url} is not known offline`);
}

const chunks = [];
for await (const chunk of process.stdin) {
  chunks.push(chunk);
}
const credential = JSON.parse(Buffer.concat(chunks));
const result = await vc.verifyCredential({
  credential,
  suite: new DataIntegrityProof({cryptosuite: eddsaRdfc2022}),
  documentLoader,
  checkStatus: async () => ({verified: true})
});
const error = result.error && (result.error.errors || [result.error]).map(e => e.message).join('; ');
console.log(JSON.stringify({verified: result.verified, ...(error ? {error} : {})}));
