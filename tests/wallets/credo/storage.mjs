// Credo's storage and the node key manager's key storage, kept in memory and written to one JSON
// file after every change: askar (native) cannot be installed here, and a test wallet holds little.
import { readFileSync, renameSync, writeFileSync } from 'node:fs'

import { JsonTransformer, RecordDuplicateError, RecordNotFoundError } from '@credo-ts/core'

export class JsonFile {
  constructor(path) {
    this.path = path
    try {
      this.data = JSON.parse(readFileSync(path, 'utf8'))
    } catch (error) {
      if (error.code !== 'ENOENT') throw error
      this.data = { records: {}, keys: {} }
    }
  }

  // Per agent context, so tenants (if ever used) never see each other's rows.
  section(name, contextId) {
    this.data[name][contextId] ??= {}
    return this.data[name][contextId]
  }

  flush() {
    writeFileSync(`${this.path}.tmp`, JSON.stringify(this.data))
    renameSync(`${this.path}.tmp`, this.path)
  }
}

function tagMatches(tags, key, expected) {
  if (expected === undefined) return true
  const actual = tags[key]
  if (Array.isArray(expected)) return Array.isArray(actual) && expected.every((value) => actual.includes(value))
  // Askar stores tags as strings: `true` and '1' are the same tag value there.
  return actual === expected || String(actual) === String(expected)
}

function queryMatches(tags, query) {
  const { $and, $or, $not, ...simple } = query
  if ($and && !$and.every((part) => queryMatches(tags, part))) return false
  if ($or && !$or.some((part) => queryMatches(tags, part))) return false
  if ($not && queryMatches(tags, $not)) return false
  return Object.entries(simple).every(([key, value]) => tagMatches(tags, key, value))
}

export class JsonFileStorageService {
  supportsCursorPagination = false

  constructor(file) {
    this.file = file
  }

  rows(agentContext) {
    return this.file.section('records', agentContext.contextCorrelationId)
  }

  toInstance(row, recordClass) {
    const instance = JsonTransformer.fromJSON(row.value, recordClass)
    instance.id = row.id
    instance.replaceTags(row.tags)
    return instance
  }

  write(agentContext, record) {
    const value = JsonTransformer.toJSON(record)
    delete value._tags
    this.rows(agentContext)[record.id] = { id: record.id, type: record.type, value, tags: record.getTags() }
    this.file.flush()
  }

  async save(agentContext, record) {
    if (this.rows(agentContext)[record.id]) {
      throw new RecordDuplicateError(`Record with id ${record.id} already exists`, { recordType: record.type })
    }
    record.updatedAt = new Date()
    this.write(agentContext, record)
  }

  async update(agentContext, record) {
    if (!this.rows(agentContext)[record.id]) {
      throw new RecordNotFoundError(`record with id ${record.id} not found.`, { recordType: record.type })
    }
    record.updatedAt = new Date()
    this.write(agentContext, record)
  }

  async delete(agentContext, record) {
    await this.deleteById(agentContext, { type: record.type }, record.id)
  }

  async deleteById(agentContext, recordClass, id) {
    const rows = this.rows(agentContext)
    if (rows[id]?.type !== recordClass.type) {
      throw new RecordNotFoundError(`record with id ${id} not found.`, { recordType: recordClass.type })
    }
    delete rows[id]
    this.file.flush()
  }

  async getById(agentContext, recordClass, id) {
    const row = this.rows(agentContext)[id]
    if (row?.type !== recordClass.type) {
      throw new RecordNotFoundError(`record with id ${id} not found.`, { recordType: recordClass.type })
    }
    return this.toInstance(row, recordClass)
  }

  async getAll(agentContext, recordClass) {
    return this.findByQuery(agentContext, recordClass, {})
  }

  async findByQuery(agentContext, recordClass, query, queryOptions) {
    const found = Object.values(this.rows(agentContext))
      .filter((row) => row.type === recordClass.type && queryMatches(row.tags, query))
      .map((row) => this.toInstance(row, recordClass))
    const offset = queryOptions?.offset ?? 0
    return found.slice(offset, queryOptions?.limit === undefined ? undefined : offset + queryOptions.limit)
  }
}

// NodeKeyManagementStorage: private JWKs by key id.
export class JsonFileKeyStorage {
  constructor(file) {
    this.file = file
  }

  keys(agentContext) {
    return this.file.section('keys', agentContext.contextCorrelationId)
  }

  get(agentContext, keyId) {
    return this.keys(agentContext)[keyId] ?? null
  }

  has(agentContext, keyId) {
    return keyId in this.keys(agentContext)
  }

  set(agentContext, keyId, jwk) {
    this.keys(agentContext)[keyId] = jwk
    this.file.flush()
  }

  delete(agentContext, keyId) {
    const keys = this.keys(agentContext)
    if (!(keyId in keys)) return false
    delete keys[keyId]
    this.file.flush()
    return true
  }
}
