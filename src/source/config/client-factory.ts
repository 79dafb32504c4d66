import { FeishuClient } from '../../feishu/client.js';
import { seconds, type ServerWait } from '../../feishu/server-waits.js';
import type { Emitter } from '../../kit/emitter.js';
import type { FeishuApprovalConfig } from './config.js';
import type { SyncLog } from '../sync/log.js';

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
    serverWaitLimits: { maxWaitMs: config.serverWaitMaxMs, maxTotalMs: config.serverWaitTotalMs },
    onServerWait: (wait) => logServerWait(emitter, wait),
  });
}

/** Every wait Feishu asked for, one line each: a WARN when it was cut to the cap. */
function logServerWait(emitter: Emitter, wait: ServerWait): void {
  const spent = `${seconds(wait.totalMs)} of ${seconds(wait.limits.maxTotalMs)} per sync spent`;
  if (wait.grantedMs < wait.requestedMs) {
    emitter.warn(
      `Feishu's rate limit asked to wait ${seconds(wait.requestedMs)} before retrying ${wait.endpoint}; waiting ${seconds(wait.grantedMs)}, ` +
        `the most one wait may last (rate_limit_wait_max_seconds); ${spent}.`,
    );
  } else {
    emitter.info(
      `Feishu's rate limit asked to wait ${seconds(wait.grantedMs)} before retrying ${wait.endpoint}; ${spent}.`,
    );
  }
}
