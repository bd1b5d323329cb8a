// Every write of the SDK against a scripted loopback server that acts on it and then fails: a 500, or a
// connection reset after the request arrived. Writes without a key are never sent twice; keyed writes are
// resent with the same keys; writes that are safe by nature are resent. The list comes from the metadata, so
// each new area is covered as it lands.
import type { ServerResponse } from 'node:http';
import { describe, expect, test } from 'vitest';
import { operations } from '../generated/operations.js';
import { createTogaiClient, type OperationMetadata } from '../src/index.js';
import { sendJson } from './support/http-server.js';
import { useServers } from './support/scripted.js';
import { camelCase, exampleInputs, specOperationsById } from './support/spec.js';

const { serve } = useServers();

const writes = (Object.values(operations) as OperationMetadata[]).filter((op) => op.method !== 'GET');
const resendable = (op: OperationMetadata) => op.idempotent || op.generatedKeys.length > 0;

/** Calls the operation through its facade method with the spec's example arguments. */
async function callOnce(op: OperationMetadata, fail: (res: ServerResponse) => void) {
  const { path, query, body, expected } = exampleInputs(op);
  const status = specOperationsById[op.operationId]!.successStatus;
  const api = await serve((_, res, index) => (index === 0 ? fail(res) : sendJson(res, status, expected ?? {})));
  const togai = createTogaiClient({ baseUrl: api.url, token: 't', pathStyle: op.variant, maxRetries: 1, maxRetryDelay: 1, silenceDeprecations: true });
  const args: Record<string, unknown> = { query, body };
  for (const [name, value] of Object.entries(path)) args[camelCase(name)] = value;
  const resource = (togai as unknown as Record<string, Record<string, (a: unknown) => PromiseLike<unknown>>>)[op.resource]!;
  await Promise.resolve(resource[op.sdkMethod]!(args)).then(
    () => undefined,
    () => undefined,
  );
  return api.requests;
}

const faults: [string, (res: ServerResponse) => void][] = [
  ['a 500', (res) => sendJson(res, 500, { message: 'failed after acting' })],
  ['a reset after the request arrived', (res) => res.socket?.destroy()],
];

describe.each(faults)('every write after %s', (_, fault) => {
  test.each(writes.filter((op) => !resendable(op)).map((op) => [`${op.resource}.${op.sdkMethod} (${op.method} ${op.path})`, op] as const))(
    '%s, which has no key, is sent once',
    async (_, op) => {
      expect(await callOnce(op, fault)).toHaveLength(1);
    },
  );

  test.each(writes.filter((op) => op.generatedKeys.length > 0).map((op) => [`${op.resource}.${op.sdkMethod}`, op] as const))(
    '%s is resent with exactly the same body, keys included',
    async (_, op) => {
      const requests = await callOnce(op, fault);
      expect(requests).toHaveLength(2);
      expect(requests[1]!.body).toBe(requests[0]!.body);
      for (const path of op.generatedKeys) expect(requests[0]!.body).toMatch(path.endsWith('id') ? /"id":"[^"]+"/ : /"idempotencyKey":"[^"]+"/);
    },
  );
});

test('the suite covers writes of every kind', () => {
  expect(writes.filter((op) => !resendable(op)).length).toBeGreaterThan(20);
  expect(writes.filter((op) => op.generatedKeys.length > 0).map((op) => op.operationId).sort()).toEqual(
    ['addLicenseUpdateEntry', 'createCredit', 'createCustomInvoice', 'createProposal', 'ingest', 'ingestBatch', 'ingestEntitledEvent', 'initiateOneTimeEntitlementPlan'].sort(),
  );
});

test('what starts work that must not run twice is never resent: finalize, activate, deactivate, discard, migrations, jobs', () => {
  const starters = writes.filter((op) => /^(finalize|activate|deactivate|discard|createMigration|confirm|reject)$/.test(op.sdkMethod));
  expect(starters.map((op) => `${op.resource}.${op.sdkMethod}`).sort()).toEqual(
    [
      'eventSchemas.activate',
      'eventSchemas.deactivate',
      'jobs.confirm',
      'jobs.reject',
      'pricePlans.createMigration',
      'pricePlans.discard',
      'pricePlans.finalize',
      'pricePlansV1.activate',
      'pricePlansV1.createMigration',
      'schedules.discard',
      'schedules.finalize',
      'usageMeters.activate',
      'usageMeters.deactivate',
    ].sort(),
  );
  for (const op of starters) expect(resendable(op), op.operationId).toBe(false);
});
