import { RetriesExhaustedError } from '../../feishu/client.js';
import { FeishuApiError, FeishuCode, FeishuTransportError, missingScopeOf, scopeFor } from '../../feishu/errors.js';
import { ServerWaitLimitError } from '../../feishu/server-waits.js';
import { ConfigError, ConnectorError, describe, TransientError } from '../../kit/errors.js';

/** What the failing call was about, to name the value at fault. */
export interface ErrorContext {
  approvalCode?: string;
  /** The instance whose detail was asked for. */
  instanceCode?: string;
  pageSize?: number;
  /** The creation-time window being read, e.g. "2026-01-01T00:00:00.000Z .. 2026-01-01T10:00:00.000Z". */
  window?: string;
  /** Opens the message of an error nobody expected (default: the connector failed unexpectedly). */
  unexpected?: string;
}

/**
 * Feishu's failures in the words of the person who configured the connector:
 * which field or value to fix, or that waiting will help. The only place that
 * knows both Feishu codes and Airbyte failure types. Anything else becomes a
 * system error that keeps the original stack. Longer than a screen on purpose:
 * it is the one table from Feishu's codes to the user's words, read top to bottom.
 */
export function toConnectorError(error: unknown, context: ErrorContext = {}): ConnectorError {
  if (error instanceof ConnectorError) return error;
  if (error instanceof ServerWaitLimitError) {
    return new TransientError(
      `${error.message}${whereAbout(context)}. Try again later; lower ${budgetFieldOf(error.endpoint)} when other tools share the app.`,
      error.message,
      { cause: error },
    );
  }
  if (error instanceof RetriesExhaustedError) {
    const last = error.last;
    if (error.unreached && last instanceof FeishuTransportError) return unreachableHost(error, last);
    const detail = last instanceof FeishuApiError ? `Feishu code ${last.code} (${last.msg})` : last.message;
    // A lost connection is the network's doing, not the pace's: a lower budget would not help it.
    const advice =
      last instanceof FeishuTransportError && last.failure === 'connect'
        ? `Try again later; if it persists, check the network between the connector and ${last.target} (config.base_url).`
        : `Try again later, or lower ${budgetFieldOf(error.endpoint)}.`;
    return new TransientError(
      `Feishu kept failing after ${error.attempts} attempts on ${error.endpoint}${whereAbout(context)}; last error: ${detail}` +
        `${last.logId ? `, log id ${last.logId}` : ''}. ${advice}`,
      error.message,
      { cause: error },
    );
  }
  if (error instanceof FeishuTransportError) {
    return new TransientError(
      `Cannot get an answer from ${error.target}: ${error.message}. Check base_url and the network.`,
      error.message,
      {
        cause: error,
      },
    );
  }
  if (!(error instanceof FeishuApiError))
    return unexpectedError(error, context.unexpected ?? 'The connector failed unexpectedly');
  const ref = `Feishu code ${error.code} (${error.msg})${error.logId ? `, log id ${error.logId}` : ''}`;
  switch (error.code) {
    case FeishuCode.BAD_APP_ID:
      return new ConfigError(
        `Feishu rejected config.app_id: ${ref}. Copy the App ID from the app's Credentials page.`,
        error.message,
      );
    case FeishuCode.BAD_APP_SECRET:
    case FeishuCode.WRONG_APP_SECRET:
      return new ConfigError(
        `Feishu rejected config.app_secret: ${ref}. Copy the App Secret from the app's Credentials page.`,
        error.message,
      );
    case FeishuCode.APPROVAL_NOT_FOUND:
      return new ConfigError(
        `Approval code '${context.approvalCode ?? '?'}' in config.approval_codes was not found: ${ref}. Check the code in the approval admin console.`,
        error.message,
      );
    case FeishuCode.BAD_PARAMETER:
      return new ConfigError(
        `Feishu rejected a parameter: ${ref}. Sent approval_code '${context.approvalCode ?? '?'}'${context.pageSize ? `, page_size ${context.pageSize}` : ''}; check config.approval_codes, page_size and window_hours.`,
        error.message,
      );
    case FeishuCode.QUOTA_EXHAUSTED:
      return new TransientError(
        `The app's monthly Feishu API quota is exhausted: ${ref}. Nothing was retried; raise the quota in the Feishu admin console or wait for it to reset.`,
        error.message,
      );
    case FeishuCode.NO_PERMISSION:
    case FeishuCode.APPROVAL_NO_PERMISSION:
      return new ConfigError(
        `The app lacks a permission scope for ${error.endpoint}: ${ref}. Grant ${missingScopeOf(error)} to the app and publish a new version of it.`,
        error.message,
      );
    case FeishuCode.NO_PERMISSION_USER:
      // A user-token code: the tenant token is not at fault, a missing scope is the likely cause.
      return new ConfigError(
        `Feishu answered ${ref} to ${error.endpoint}, a code about scopes a user has not authorised, although this connector sends only a tenant access token. ` +
          `Grant ${scopeFor(error.endpoint)} to the app and publish a new version of it; if it persists, give Feishu support the log id.`,
        error.message,
      );
    case FeishuCode.TOKEN_INVALID:
      return new ConfigError(
        `Feishu rejected the tenant access token twice, the second time just after issuing it: ${ref}. ` +
          'Check that config.base_url is the host of this app (https://open.feishu.cn for Feishu, https://open.larksuite.com for Lark) and that the app is enabled.',
        error.message,
      );
    case FeishuCode.USER_TOKEN_EXPIRED:
      return new ConnectorError(
        'system_error',
        `Feishu answered ${ref} to ${error.endpoint}, a code about expired user access tokens, although this connector sends only a tenant access token, ` +
          'and again after a new tenant token was fetched. Give Feishu support the log id.',
        error.message,
      );
    case FeishuCode.DEFINITION_DELETED:
      return new ConfigError(
        `The approval definition '${context.approvalCode ?? '?'}' in config.approval_codes was deleted: ${ref}. The instances the list API still lists for it can be read; remove the code once they are no longer needed.`,
        error.message,
      );
    default:
      return error.httpStatus === 401 || error.httpStatus === 403
        ? new ConfigError(`Feishu refused access: ${ref}.`, error.message)
        : new ConnectorError('system_error', `Feishu answered with an error: ${ref}.`, error.message);
  }
}

/**
 * A host that refused every connection from the first request on (refused, unknown name, TLS
 * refused): the configured host is wrong or out of reach, which retrying later will not fix.
 */
function unreachableHost(error: RetriesExhaustedError, last: FeishuTransportError): ConnectorError {
  return new ConfigError(
    // No attempt counts here: every stream of the sync fails alike and is named once with this message (failures.ts).
    `Cannot reach ${last.target} (from config.base_url): ${last.detail}, on every attempt since the first request. ` +
      'Check config.base_url (https://open.feishu.cn for Feishu, https://open.larksuite.com for Lark, or your private deployment), ' +
      'its port, and any proxy or firewall between the connector and that host.',
    error.message,
    { cause: error },
  );
}

/** The config field holding the budget of the endpoint in a client endpoint label. */
function budgetFieldOf(endpoint: string): string {
  if (endpoint.endsWith('/instances/query')) return 'query_requests_per_minute';
  if (endpoint.includes('/contact/v3/')) return 'contact_requests_per_minute';
  if (endpoint.endsWith('/instances/:code')) return 'detail_requests_per_minute';
  if (endpoint.includes('/approvals/')) return 'approval_requests_per_minute';
  return 'requests_per_minute';
}

/** ", approval code 'X', window A .. B" for whatever the context names. */
function whereAbout(context: ErrorContext): string {
  const parts: string[] = [];
  if (context.instanceCode !== undefined) parts.push(`instance '${context.instanceCode}'`);
  if (context.approvalCode !== undefined) parts.push(`approval code '${context.approvalCode}'`);
  if (context.window !== undefined) parts.push(`window ${context.window}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

function unexpectedError(error: unknown, opening: string): ConnectorError {
  const wrapped = new ConnectorError('system_error', `${opening}: ${describe(error)}`, undefined, { cause: error });
  if (error instanceof Error && error.stack) wrapped.stack = error.stack;
  return wrapped;
}
