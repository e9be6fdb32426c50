// A Credo 0.6 member wallet as one long-running process, driven by the Python tests over a small
// JSON API on loopback (tests/wallets/credo.py). DIDComm v1 (out-of-band, DID Exchange,
// issue-credential 2.0 JSON-LD, present-proof 2.0 DIF PE) and an OpenID4VCI holder; offers and
// proof requests are accepted as they arrive. Nothing leaves loopback.
import { writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { parseArgs } from 'node:util'

import {
  Agent,
  ConsoleLogger,
  DependencyManager,
  DidsModule,
  InjectionSymbols,
  Kms,
  KeyDidRegistrar,
  KeyDidResolver,
  LogLevel,
  PeerDidRegistrar,
  PeerDidResolver,
  W3cCredentialsModule,
} from '@credo-ts/core'
import {
  DidCommConnectionEventTypes,
  DidCommCredentialEventTypes,
  DidCommCredentialV2Protocol,
  DidCommDifPresentationExchangeProofFormatService,
  DidCommHttpOutboundTransport,
  DidCommJsonLdCredentialFormatService,
  DidCommModule,
  DidCommProofEventTypes,
  DidCommProofV2Protocol,
} from '@credo-ts/didcomm'
import { DidCommHttpInboundTransport, agentDependencies } from '@credo-ts/node'
import { OpenId4VcModule } from '@credo-ts/openid4vc'

import { loadPinnedContexts, pinnedDocumentLoader } from './contexts.mjs'
import { DidCommV1NodeKeyManagementService } from './kms.mjs'
import { JsonFile, JsonFileKeyStorage, JsonFileStorageService } from './storage.mjs'

const { values: args } = parseArgs({
  options: {
    data: { type: 'string' },
    label: { type: 'string', default: 'Credo member wallet' },
    'didcomm-port': { type: 'string' },
    'control-port': { type: 'string', default: '0' },
    'ready-file': { type: 'string' },
    contexts: { type: 'string', multiple: true, default: [] },
  },
})
for (const required of ['data', 'didcomm-port', 'ready-file']) {
  if (!args[required]) throw new Error(`--${required} is required`)
}

// The wallet talks to loopback only: the tests' agents and services, never the internet.
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])
const networkFetch = globalThis.fetch
function loopbackFetch(input, init) {
  const url = new URL(input instanceof Request ? input.url : String(input))
  if (!LOOPBACK.has(url.hostname)) return Promise.reject(new Error(`the test wallet fetches loopback only, not ${url}`))
  return networkFetch(input, init)
}
globalThis.fetch = loopbackFetch

const file = new JsonFile(args.data)
const didcommPort = Number(args['didcomm-port'])
const dependencyManager = new DependencyManager()
dependencyManager.registerInstance(InjectionSymbols.StorageService, new JsonFileStorageService(file))
const agent = new Agent(
  {
    config: { logger: new ConsoleLogger(LogLevel.warn), autoUpdateStorageOnStartup: true },
    dependencies: { ...agentDependencies, fetch: loopbackFetch },
    modules: {
      kms: new Kms.KeyManagementModule({ backends: [new DidCommV1NodeKeyManagementService(new JsonFileKeyStorage(file))] }),
      dids: new DidsModule({ registrars: [new KeyDidRegistrar(), new PeerDidRegistrar()], resolvers: [new KeyDidResolver(), new PeerDidResolver()] }),
      w3cCredentials: new W3cCredentialsModule({ documentLoader: pinnedDocumentLoader(loadPinnedContexts(args.contexts)) }),
      didcomm: new DidCommModule({
        endpoints: [`http://127.0.0.1:${didcommPort}`],
        transports: {
          inbound: [new DidCommHttpInboundTransport({ port: didcommPort })],
          outbound: [new DidCommHttpOutboundTransport()],
        },
        connections: { autoAcceptConnections: true },
        credentials: {
          autoAcceptCredentials: 'never',
          credentialProtocols: [new DidCommCredentialV2Protocol({ credentialFormats: [new DidCommJsonLdCredentialFormatService()] })],
        },
        proofs: {
          autoAcceptProofs: 'never',
          proofProtocols: [new DidCommProofV2Protocol({ proofFormats: [new DidCommDifPresentationExchangeProofFormatService()] })],
        },
        mediator: false,
        mediationRecipient: false,
        messagePickup: false,
      }),
      openid4vc: new OpenId4VcModule(),
    },
  },
  dependencyManager,
)

// What went wrong with an exchange the wallet handled on its own, by record id (shown in listings).
const failures = new Map()
function remember(recordId, error) {
  failures.set(recordId, String(error?.message ?? error))
  agent.config.logger.error(`exchange ${recordId} failed`, { error })
}

agent.events.on(DidCommCredentialEventTypes.DidCommCredentialStateChanged, async ({ payload }) => {
  const record = payload.credentialExchangeRecord
  try {
    if (record.state === 'offer-received') await agent.didcomm.credentials.acceptOffer({ credentialExchangeRecordId: record.id })
    if (record.state === 'credential-received') await agent.didcomm.credentials.acceptCredential({ credentialExchangeRecordId: record.id })
  } catch (error) {
    remember(record.id, error)
  }
})

agent.events.on(DidCommProofEventTypes.ProofStateChanged, async ({ payload }) => {
  const record = payload.proofRecord
  if (record.state !== 'request-received') return
  try {
    const { proofFormats } = await agent.didcomm.proofs.selectCredentialsForRequest({ proofExchangeRecordId: record.id })
    await agent.didcomm.proofs.acceptRequest({ proofExchangeRecordId: record.id, proofFormats })
  } catch (error) {
    remember(record.id, error)
  }
})

agent.events.on(DidCommConnectionEventTypes.DidCommConnectionStateChanged, ({ payload }) => {
  agent.config.logger.debug(`connection ${payload.connectionRecord.id} is ${payload.connectionRecord.state}`)
})

await agent.initialize()

// The wallet's own did:key (Ed25519), made on first use and kept: the OpenID4VCI binding.
async function holderDid() {
  const [existing] = await agent.dids.getCreatedDids({ method: 'key' })
  if (existing) return existing.did
  const result = await agent.dids.create({ method: 'key', options: { createKey: { type: { kty: 'OKP', crv: 'Ed25519' } } } })
  if (result.didState.state !== 'finished') throw new Error(`did:key not created: ${JSON.stringify(result.didState)}`)
  return result.didState.did
}

function didKeyUrl(did) {
  return `${did}#${did.slice('did:key:'.length)}`
}

function credentialJson(record) {
  return { id: record.id, credential: record.firstCredential.encoded ?? record.firstCredential.jsonCredential }
}

function resolvedOfferSummary(resolved) {
  const grant = resolved.credentialOfferPayload.grants?.['urn:ietf:params:oauth:grant-type:pre-authorized_code']
  return {
    credentialIssuer: resolved.metadata.credentialIssuer.credential_issuer,
    configurations: Object.fromEntries(
      Object.entries(resolved.offeredCredentialConfigurations).map(([id, configuration]) => [id, { format: configuration.format }]),
    ),
    preAuthorizedCode: grant?.['pre-authorized_code'] ?? null,
    txCode: grant?.tx_code ?? null,
  }
}

const routes = {
  'GET /status': async () => ({ label: args.label, didcommEndpoint: `http://127.0.0.1:${didcommPort}` }),

  'POST /didcomm/invitations': async ({ url }) => {
    const { outOfBandRecord, connectionRecord } = await agent.didcomm.oob.receiveInvitationFromUrl(url, { label: args.label })
    return { outOfBandId: outOfBandRecord.id, connectionId: connectionRecord?.id ?? null }
  },

  'GET /didcomm/connections': async () =>
    (await agent.didcomm.connections.getAll()).map((record) => ({
      id: record.id,
      state: record.state,
      outOfBandId: record.outOfBandId ?? null,
      did: record.did ?? null,
      theirDid: record.theirDid ?? null,
      theirLabel: record.theirLabel ?? null,
    })),

  'GET /didcomm/credential-exchanges': async () =>
    (await agent.didcomm.credentials.getAll()).map((record) => ({
      id: record.id,
      state: record.state,
      threadId: record.threadId,
      connectionId: record.connectionId ?? null,
      credentialIds: record.credentials.map((credential) => credential.credentialRecordId),
      error: failures.get(record.id) ?? record.errorMessage ?? null,
    })),

  'GET /didcomm/proof-exchanges': async () =>
    (await agent.didcomm.proofs.getAll()).map((record) => ({
      id: record.id,
      state: record.state,
      threadId: record.threadId,
      connectionId: record.connectionId ?? null,
      error: failures.get(record.id) ?? record.errorMessage ?? null,
    })),

  'GET /credentials': async () => (await agent.w3cCredentials.getAll()).map(credentialJson),

  'POST /dids/key': async () => {
    const did = await holderDid()
    return { did, verificationMethod: didKeyUrl(did) }
  },

  'POST /oid4vci/resolve': async ({ offer }) => resolvedOfferSummary(await agent.openid4vc.holder.resolveCredentialOffer(offer)),

  'POST /oid4vci/accept': async ({ offer, txCode, configurationIds, did, verifyCredentialStatus }) => {
    const holder = agent.openid4vc.holder
    const resolvedCredentialOffer = await holder.resolveCredentialOffer(offer)
    const token = await holder.requestToken({ resolvedCredentialOffer, txCode: txCode ?? undefined })
    const bindingDid = did ?? (await holderDid())
    const { credentials } = await holder.requestCredentials({
      resolvedCredentialOffer,
      ...token,
      credentialConfigurationIds: configurationIds ?? undefined,
      verifyCredentialStatus: verifyCredentialStatus ?? false,
      allowedProofOfPossessionSignatureAlgorithms: ['EdDSA'],
      credentialBindingResolver: () => ({ method: 'did', didUrls: [didKeyUrl(bindingDid)] }),
    })
    const stored = []
    for (const response of credentials) {
      const record = await agent.w3cCredentials.store({ record: response.record })
      stored.push({ configurationId: response.credentialConfigurationId, format: response.credentialConfiguration.format, ...credentialJson(record) })
    }
    return { did: bindingDid, credentials: stored }
  },
}

async function readJson(request) {
  const chunks = []
  for await (const chunk of request) chunks.push(chunk)
  return chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {}
}

const control = createServer(async (request, response) => {
  const route = routes[`${request.method} ${new URL(request.url, 'http://control').pathname}`]
  let status = 200
  let body
  try {
    if (!route) {
      status = 404
      body = { error: `no route ${request.method} ${request.url}` }
    } else {
      body = await route(await readJson(request))
    }
  } catch (error) {
    status = 500
    body = { error: String(error?.message ?? error), name: error?.name ?? null, cause: error?.cause ? String(error.cause.message ?? error.cause) : null }
    agent.config.logger.error(`control ${request.method} ${request.url} failed`, { error })
  }
  response.writeHead(status, { 'content-type': 'application/json' })
  response.end(JSON.stringify(body))
})

control.listen(Number(args['control-port']), '127.0.0.1', () => {
  writeFileSync(args['ready-file'], JSON.stringify({ control: `http://127.0.0.1:${control.address().port}`, pid: process.pid }))
})

async function stop() {
  control.close()
  await agent.shutdown()
  process.exit(0)
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
