import { FeishuClient } from '../feishu/client.js';
import type { Emitter } from '../kit/emitter.js';
import type { FeishuApprovalConfig } from './config.js';
import type { SyncLog } from './sync-log.js';

/** The client as the config asks for it; every token it gets is masked in all output. */
export function createClient(config: FeishuApprovalConfig, emitter: Emitter, log?: SyncLog): FeishuClient {
  return new FeishuClient({
    appId: config.appId,
    appSecret: config.appSecret,
    baseUrl: config.baseUrl,
    requestsPerMinute: config.requestsPerMinute,
    limits: config.limits,
    maxRetries: config.maxRetries,
    timeoutMs: config.timeoutMs,
    retryBaseMs: config.retryBaseMs,
    connections: Math.max(config.maxConcurrency + config.detailConcurrency, 2),
    onToken: (token) => emitter.redactor.add(token),
    onRetry: (event) => log?.retry(event),
    // Keeps the platform's heartbeat (metadata.yaml maxSecondsBetweenMessages) quiet during long waits.
    onStillWaiting: (summary) => emitter.info(summary),
  });
}
