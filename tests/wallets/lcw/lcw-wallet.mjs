// A Learner Credential Wallet stand-in: the app's own libraries (at the versions its lock pins),
// following the app's code paths step by step (learner-credential-wallet app/lib/present.ts,
// credentialRequest.ts, exchanges.ts, didAuthRequest.ts, verifiableObject.ts).
//
//   node lcw-wallet.mjs [--contexts DIR[=BASE_URL]]... WALLET_DIR COMMAND [ARGUMENT]
//
// WALLET_DIR keeps the wallet's did:key (made on first use) and the credentials it received.
// Commands (each prints one JSON object):
//   deep-link URL    follow a dccrequest://request?... link as requestCredential does
//   exchange URL     a VC-API exchange as the app's DID Authentication request does: POST {} for the
//                    request, then constructExchangeRequest and handleVcApiExchangeSimple
//   did-auth         only sign a DID Authentication presentation (--challenge C, --domain D), as
//                    constructExchangeRequest does: for tests that send a presentation themselves
//                    (--holder DID names another holder than the signing DID: a forgery)
//   verify           verify the credential on stdin with the wallet's libraries
// Received credentials are stored, then verified with the wallet's libraries; the output names
// the holder DID, the credentials and each one's verdict.
//
// The document loader is offline: the contexts these libraries bundle, each DIR's manifest.json
// ({contexts: [{url, file, sha256}]}, relative URLs against BASE_URL), and did:key documents as
// the app resolves them (Ed25519VerificationKey2020). Any other URL is an error naming it. The
// credential status is the service's concern (its verify API checks it), so it is not fetched.
import {createHash, randomBytes} from 'node:crypto';
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {parseArgs} from 'node:util';
import * as vc from '@digitalcredentials/vc';
import {Ed25519Signature2020} from '@digitalcredentials/ed25519-signature-2020';
import {Ed25519VerificationKey2020} from '@digitalcredentials/ed25519-verification-key-2020';
import {driver as didKeyDriverFor} from '@digitalcredentials/did-method-key';
import ed25519Context2020 from 'ed25519-signature-2020-context';

const {values: options, positionals} = parseArgs({
  allowPositionals: true,
  options: {
    contexts: {type: 'string', multiple: true, default: []},
    challenge: {type: 'string'},
    domain: {type: 'string'},
    holder: {type: 'string'}
  }
});
const [walletDir, command, argument] = positionals;

const documents = new Map(ed25519Context2020.contexts);
for(const given of options.contexts) {
  const [directory, baseUrl] = given.split('=');
  const manifest = JSON.parse(readFileSync(join(directory, 'manifest.json')));
  for(const {url, file, sha256} of manifest.contexts) {
    const data = readFileSync(join(directory, file));
    if(createHash('sha256').update(data).digest('hex') !== sha256) {
      throw new Error(`${file} does not match its sha256 in ${directory}`);
    }
    documents.set(baseUrl ? new URL(url, baseUrl.replace(/\/?$/, '/')).href : url, JSON.parse(data));
  }
}
const didKeyDriver = didKeyDriverFor();

async function documentLoader(url) {
  if(documents.has(url)) {
    return {contextUrl: null, documentUrl: url, document: documents.get(url)};
  }
  if(url.startsWith('did:key:')) {
    return {contextUrl: null, documentUrl: url, document: await didKeyDriver.get({url})};
  }
  return vc.defaultDocumentLoader(url); // the credentials contexts it bundles, else an error naming the URL
}

// The app's DID record: the did:key document and its exported key pair.
function didRecord() {
  const file = join(walletDir, 'did.json');
  return existsSync(file) ? JSON.parse(readFileSync(file)) : null;
}

async function ensureDidRecord() {
  const existing = didRecord();
  if(existing) {
    return existing;
  }
  mkdirSync(walletDir, {recursive: true});
  const {didDocument, methodFor} = await didKeyDriver.generate({seed: randomBytes(32)});
  const keyPair = methodFor({purpose: 'authentication'});
  const record = {
    didDocument,
    verificationKey: keyPair.export({publicKey: true, privateKey: true, includeContext: true})
  };
  writeFileSync(join(walletDir, 'did.json'), JSON.stringify(record, null, 2));
  return record;
}

// present.ts createVerifiablePresentation (the deep link's request body: no domain).
async function createVerifiablePresentation({record, challenge}) {
  const verificationKeyPair = await Ed25519VerificationKey2020.from(record.verificationKey);
  const suite = new Ed25519Signature2020({key: verificationKeyPair});
  const holder = record.didDocument.id;
  const presentation = vc.createPresentation({holder});
  return vc.signPresentation({presentation, suite, challenge, documentLoader});
}

// exchanges.ts constructExchangeRequest, as didAuthRequest.ts calls it (no credentials, signed).
async function constructExchangeRequest({record, challenge, domain, holder = record.didDocument.authentication[0].split('#')[0]}) {
  const key = await Ed25519VerificationKey2020.from(record.verificationKey);
  const suite = new Ed25519Signature2020({key});
  const presentation = vc.createPresentation({holder});
  const verifiablePresentation = await vc.signPresentation({presentation, challenge, domain, suite, documentLoader});
  return {verifiablePresentation};
}

// verifiableObject.ts extractCredentialsFrom
function extractCredentialsFrom(obj) {
  if(obj?.type?.includes('VerifiableCredential')) {
    return [obj];
  }
  if(obj?.type?.includes('VerifiablePresentation')) {
    const {verifiableCredential} = obj;
    return verifiableCredential instanceof Array ? verifiableCredential : [verifiableCredential];
  }
  return null;
}

async function verify(credential) {
  const result = await vc.verifyCredential({
    credential,
    suite: new Ed25519Signature2020(),
    documentLoader,
    checkStatus: async () => ({verified: true})
  });
  const error = result.error && (result.error.errors || [result.error]).map(e => e.message).join('; ');
  return {id: credential.id, verified: result.verified, ...(error ? {error} : {})};
}

async function storeAndVerify(record, credentials) {
  const directory = join(walletDir, 'credentials');
  mkdirSync(directory, {recursive: true});
  const verdicts = [];
  for(const credential of credentials) {
    const name = createHash('sha256').update(credential.id || JSON.stringify(credential)).digest('hex');
    writeFileSync(join(directory, `${name}.json`), JSON.stringify(credential, null, 2));
    verdicts.push(await verify(credential));
  }
  return {holder: record.didDocument.id, credentials, verdicts};
}

async function answer(response) {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return {text};
  }
}

// credentialRequest.ts requestCredential (the deep link's query, parsed as decode.ts does).
async function followDeepLink(link) {
  if(!link.startsWith('dccrequest://request?') && !link.startsWith('org.dcconsortium://request?')) {
    throw new Error(`not a deep link: ${link}`);
  }
  const params = Object.fromEntries(new URLSearchParams(link.split('?')[1]));
  const {auth_type = 'code', vc_request_url, challenge, issuer} = params;
  if(issuer === undefined || vc_request_url === undefined) {
    throw new Error('The QR code contained an invalid deep link.');
  }
  if(auth_type !== 'bearer') {
    throw new Error(`Unsupported auth_type value: "${auth_type}".`);
  }
  const record = await ensureDidRecord();
  const requestBody = await createVerifiablePresentation({record, challenge});
  const response = await fetch(vc_request_url, {
    method: 'POST',
    headers: {'Content-Type': 'application/json'},
    body: JSON.stringify(requestBody)
  });
  if(!response.ok) {
    return {status: response.status, error: await answer(response)};
  }
  const credentials = extractCredentialsFrom(await response.json());
  if(credentials === null) {
    throw new Error('Unable to receive credential: The issuer failed to return a Verifiable Credential (VC) or Verifiable Presentation (VP)');
  }
  return {status: response.status, ...(await storeAndVerify(record, credentials))};
}

// exchanges.ts interactExchange, then didAuthRequest.ts performDidAuthRequest.
async function exchange(url) {
  const first = await fetch(url, {
    method: 'POST',
    headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({}, null, 2)
  });
  const requested = await answer(first);
  const vpr = requested.verifiablePresentationRequest;
  if(!first.ok || !vpr) {
    return {status: first.status, error: requested};
  }
  if(vpr.query?.type !== 'DIDAuthentication') {
    throw new Error(`the exchange asks for ${JSON.stringify(vpr.query)}, not DID Authentication`);
  }
  const record = await ensureDidRecord();
  const {challenge, domain, interact} = vpr;
  const request = await constructExchangeRequest({record, challenge, domain});
  // handleVcApiExchangeSimple
  const response = await fetch(interact?.service[0]?.serviceEndpoint ?? url, {
    method: 'POST',
    headers: {'Content-Type': 'application/json'},
    body: JSON.stringify(request, undefined, 2)
  });
  const body = await answer(response);
  if(!response.ok) {
    return {status: response.status, request: vpr, error: body};
  }
  const credentials = extractCredentialsFrom(body.verifiablePresentation) || [];
  return {status: response.status, request: vpr, ...(await storeAndVerify(record, credentials))};
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks));
}

let output;
if(command === 'deep-link') {
  output = await followDeepLink(argument);
} else if(command === 'exchange') {
  output = await exchange(argument);
} else if(command === 'did-auth') {
  const record = await ensureDidRecord();
  output = await constructExchangeRequest({
    record, challenge: options.challenge, domain: options.domain, holder: options.holder
  });
} else if(command === 'verify') {
  output = await verify(await readStdin());
} else {
  throw new Error(`unknown command ${command}`);
}
console.log(JSON.stringify(output));
