// @credo-ts/node's key manager lacks the two DIDComm v1 envelope primitives (libsodium's
// crypto_box and crypto_box_seal, named ECDH-HSALSA20 + XSALSA20-POLY1305 by Credo): added here
// with tweetnacl, so messages are packed and unpacked as ACA-Py (askar) does.
import { blake2b } from '@noble/hashes/blake2.js'
import { createHash } from 'node:crypto'

import { Kms, TypedArrayEncoder } from '@credo-ts/core'
import { NodeKeyManagementService } from '@credo-ts/node'
import nacl from 'tweetnacl'

const KEY_AGREEMENT = 'ECDH-HSALSA20'
const BOX = 'XSALSA20-POLY1305'

function isBoxOperation(encryption, keyAgreement) {
  return encryption?.algorithm === BOX && keyAgreement?.algorithm === KEY_AGREEMENT
}

// Ed25519 → X25519 as libsodium does: the secret scalar is SHA-512 of the seed (nacl clamps it).
function x25519SecretKey(privateJwk) {
  const d = TypedArrayEncoder.fromBase64(privateJwk.d)
  if (privateJwk.crv === 'X25519') return new Uint8Array(d)
  if (privateJwk.crv !== 'Ed25519') {
    throw new Kms.KeyManagementAlgorithmNotSupportedError(`${KEY_AGREEMENT} with crv ${privateJwk.crv}`, 'node')
  }
  return new Uint8Array(createHash('sha512').update(d).digest().subarray(0, 32))
}

function publicKeyBytes(x25519Jwk) {
  return new Uint8Array(TypedArrayEncoder.fromBase64(x25519Jwk.x))
}

function sealNonce(ephemeralPublicKey, recipientPublicKey) {
  return blake2b(new Uint8Array([...ephemeralPublicKey, ...recipientPublicKey]), { dkLen: nacl.box.nonceLength })
}

export class DidCommV1NodeKeyManagementService extends NodeKeyManagementService {
  constructor(storage) {
    super(storage)
    this.keyStorage = storage
  }

  isOperationSupported(agentContext, operation) {
    if (operation.operation === 'encrypt' && isBoxOperation(operation.encryption, operation.keyAgreement)) return true
    if (operation.operation === 'decrypt' && isBoxOperation(operation.decryption, operation.keyAgreement)) return true
    return super.isOperationSupported(agentContext, operation)
  }

  async secretKey(agentContext, keyId) {
    const privateJwk = await this.keyStorage.get(agentContext, keyId)
    if (!privateJwk) throw new Kms.KeyManagementKeyNotFoundError(keyId, [this.backend])
    return x25519SecretKey(privateJwk)
  }

  async encrypt(agentContext, options) {
    const keyAgreement = options.key?.keyAgreement
    if (!isBoxOperation(options.encryption, keyAgreement)) return super.encrypt(agentContext, options)
    const recipient = publicKeyBytes(keyAgreement.externalPublicJwk)
    const data = new Uint8Array(options.data)
    if (keyAgreement.keyId) {
      const nonce = nacl.randomBytes(nacl.box.nonceLength)
      const encrypted = nacl.box(data, nonce, recipient, await this.secretKey(agentContext, keyAgreement.keyId))
      return { encrypted, iv: nonce }
    }
    const ephemeral = nacl.box.keyPair()
    const boxed = nacl.box(data, sealNonce(ephemeral.publicKey, recipient), recipient, ephemeral.secretKey)
    return { encrypted: new Uint8Array([...ephemeral.publicKey, ...boxed]) }
  }

  async decrypt(agentContext, options) {
    const keyAgreement = options.key?.keyAgreement
    if (!isBoxOperation(options.decryption, keyAgreement)) return super.decrypt(agentContext, options)
    const secretKey = await this.secretKey(agentContext, keyAgreement.keyId)
    const encrypted = new Uint8Array(options.encrypted)
    let data
    if (keyAgreement.externalPublicJwk) {
      const nonce = new Uint8Array(options.decryption.iv)
      data = nacl.box.open(encrypted, nonce, publicKeyBytes(keyAgreement.externalPublicJwk), secretKey)
    } else {
      const ephemeralPublicKey = encrypted.subarray(0, nacl.box.publicKeyLength)
      const ownPublicKey = nacl.box.keyPair.fromSecretKey(secretKey).publicKey
      data = nacl.box.open(
        encrypted.subarray(nacl.box.publicKeyLength),
        sealNonce(ephemeralPublicKey, ownPublicKey),
        ephemeralPublicKey,
        secretKey,
      )
    }
    if (!data) throw new Kms.KeyManagementError(`${BOX} decryption failed`)
    return { data }
  }
}
