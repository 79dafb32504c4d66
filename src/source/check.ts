import { RetriesExhaustedError, type FeishuClient } from '../feishu/client.js';
import { FeishuApiError, FeishuCode, FeishuTransportError, isDefinitionDeleted } from '../feishu/errors.js';
import type { Emitter } from '../kit/emitter.js';
import type { AirbyteConnectionStatus } from '../kit/protocol.js';
import { createClient } from './config/client-factory.js';
import { warnRepeatedCodes, type FeishuApprovalConfig } from './config/config.js';
import { toConnectorError } from './sync/errors.js';

/**
 * Proves the config works: a token, then every approval code's definition.
 * Each failure names its cause; every unknown code is named, not just the first.
 */
export async function checkConnection(
  config: FeishuApprovalConfig,
  emitter: Emitter,
): Promise<AirbyteConnectionStatus> {
  warnRepeatedCodes(config, emitter);
  // A person waits for check: fewer retries than a sync.
  const client = createClient({ ...config, maxRetries: Math.min(config.maxRetries, 2) }, emitter);
  try {
    try {
      await client.authenticate();
    } catch (error) {
      return failed(describeFailure(error, client));
    }
    const unknown: string[] = [];
    const deleted: string[] = [];
    const names: string[] = [];
    for (const code of config.approvalCodes) {
      try {
        const definition = await client.getApproval(code);
        names.push(
          `${code} (${definition.approval_name ?? 'unnamed'}${definition.status && definition.status !== 'ACTIVE' ? `, ${definition.status}` : ''})`,
        );
      } catch (error) {
        if (error instanceof FeishuApiError && error.code === FeishuCode.APPROVAL_NOT_FOUND) unknown.push(code);
        else if (isDefinitionDeleted(error)) deleted.push(code);
        else return failed(describeFailure(error, client, code));
      }
    }
    if (unknown.length > 0) {
      return failed(
        `Approval code${unknown.length > 1 ? 's' : ''} not found (Feishu code ${FeishuCode.APPROVAL_NOT_FOUND}): ${unknown.map((c) => `'${c}'`).join(', ')}. ` +
          'Check config.approval_codes against the approval admin console.',
      );
    }
    emitter.info(`Connected to ${client.target}; approval definitions: ${names.join(', ') || 'none readable'}`);
    if (deleted.length === 0) return { status: 'SUCCEEDED' };
    // A deleted definition's instances stay listable: a sync still reads its history, so this passes with a warning.
    const message = describeDeleted(deleted);
    emitter.warn(message);
    return { status: 'SUCCEEDED', message };
  } finally {
    await client.close();
  }
}

function describeDeleted(codes: string[]): string {
  const list = codes.map((c) => `'${c}'`).join(', ');
  return (
    `Approval definition${codes.length > 1 ? 's' : ''} ${list} in config.approval_codes ${codes.length > 1 ? 'were' : 'was'} deleted (Feishu code ${FeishuCode.DEFINITION_DELETED}). ` +
    'Syncs still read the instances the list API lists for it, and no new ones will appear; remove the code once its history is no longer needed.'
  );
}

function failed(message: string): AirbyteConnectionStatus {
  return { status: 'FAILED', message };
}

function describeFailure(error: unknown, client: FeishuClient, approvalCode?: string): string {
  const last = error instanceof RetriesExhaustedError ? error.last : error;
  if (last instanceof FeishuTransportError && last.failure === 'connect') {
    return `Cannot reach ${last.target} (from config.base_url): ${last.message}. Check the host, port and network.`;
  }
  return toConnectorError(error, { approvalCode, unexpected: `Unexpected error talking to ${client.target}` }).message;
}
