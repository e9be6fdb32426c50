// JSON-LD documents for the wallet: the pinned context directories it is given (each a
// manifest.json of {url, file, sha256}), Credo's bundled contexts, DIDs through Credo's resolver.
// Nothing is fetched: any other URL is an error, as it would be offline.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { W3cCredentialsModuleConfig } from '@credo-ts/core'

// Not exported by the package: imported by file so the loader can tell a bundled context from one
// Credo's default loader would fetch.
const { DEFAULT_CONTEXTS } = await import(
  new URL('./node_modules/@credo-ts/core/build/modules/vc/data-integrity/libraries/contexts/defaultContexts.mjs', import.meta.url)
)

// A directory argument is `PATH` or `PATH=BASE_URL` (relative URLs in its manifest resolve against BASE_URL).
export function loadPinnedContexts(directories) {
  const documents = new Map()
  for (const argument of directories) {
    const [directory, baseUrl] = argument.split('=', 2)
    const manifest = JSON.parse(readFileSync(join(directory, 'manifest.json'), 'utf8'))
    for (const { url, file, sha256 } of manifest.contexts) {
      const data = readFileSync(join(directory, file))
      const digest = createHash('sha256').update(data).digest('hex')
      if (digest !== sha256) throw new Error(`pinned context ${url} has sha256 ${digest}, manifest says ${sha256}`)
      const resolved = baseUrl ? new URL(url, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`).href : url
      documents.set(resolved, JSON.parse(data.toString('utf8')))
    }
  }
  return documents
}

export function pinnedDocumentLoader(documents) {
  const credoLoader = new W3cCredentialsModuleConfig().documentLoader
  return (agentContext) => {
    const fallback = credoLoader(agentContext)
    return async (url) => {
      const document = documents.get(url) ?? documents.get(url.split('#')[0])
      if (document) return { contextUrl: null, documentUrl: url, document }
      if (url.startsWith('did:') || url.split('#')[0] in DEFAULT_CONTEXTS) return fallback(url)
      throw new Error(`JSON-LD document ${url} is not pinned (the wallet fetches no context)`)
    }
  }
}
