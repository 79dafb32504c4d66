import { Agent, errors as undiciErrors } from 'undici';
import { FeishuApiError, FeishuTransportError } from './errors.js';
import type { FeishuEnvelope } from './types.js';

export interface TransportOptions {
  baseUrl: string;
  /**
   * The whole-request deadline: connect to the body's last byte. (undici's own bodyTimeout
   * restarts with every chunk, so a body trickling one byte at a time would never end.)
   */
  timeoutMs: number;
  /** Sockets kept open to the host; requests beyond it queue inside undici. */
  connections?: number;
}

/**
 * The longest a TCP and TLS connect may take, whatever `timeoutMs` allows: a host that does not
 * accept a connection within it is down or filtered, and waiting a minute per attempt would keep
 * a wrong base_url from being reported within a minute.
 */
export const CONNECT_TIMEOUT_MS = 15_000;

export interface TransportRequest {
  method: 'GET' | 'POST';
  path: string;
  /** A list value repeats its key (`user_ids=a&user_ids=b`), as the contact batch calls take their ids. */
  query?: Record<string, string | number | readonly string[] | undefined>;
  body?: unknown;
  token?: string;
  signal?: AbortSignal;
}

export interface TransportResponse<T> {
  body: T;
  httpStatus: number;
  logId: string | undefined;
}

/**
 * HTTP to one Feishu host over keep-alive connections. Turns every outcome into
 * either a parsed success body or a typed error; it never retries (client.ts
 * does, as retry-policy.ts decides) and never sees Airbyte.
 */
export class Transport {
  private readonly agent: Agent;
  private readonly timeoutMs: number;
  private readonly origin: string;
  private readonly basePath: string;
  readonly target: string;
  /** The host has answered at least once (any HTTP answer): a later failure to connect is an outage, not a wrong host. */
  reached = false;

  constructor(options: TransportOptions) {
    const url = new URL(options.baseUrl);
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.target = `${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
    this.timeoutMs = options.timeoutMs;
    this.agent = new Agent({
      connect: { timeout: Math.min(options.timeoutMs, CONNECT_TIMEOUT_MS) },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      keepAliveTimeout: 30_000,
      connections: options.connections ?? 16,
      pipelining: 1,
    });
  }

  async request<T extends { code: number; msg: string }>(req: TransportRequest): Promise<TransportResponse<T>> {
    const path = this.basePath + req.path + queryString(req.query);
    const endpoint = req.method + ' ' + req.path;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (req.token) headers['authorization'] = `Bearer ${req.token}`;
    if (req.body !== undefined) headers['content-type'] = 'application/json; charset=utf-8';
    let statusCode: number;
    let logId: string | undefined;
    let text: string;
    let resetSec: number | undefined;
    const deadline = new Deadline(this.timeoutMs, req.signal);
    try {
      const res = await this.agent.request({
        origin: this.origin,
        path,
        method: req.method,
        headers,
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        // The caller's signal cancels; the deadline covers connect, headers and the whole body.
        signal: deadline.signal,
      });
      statusCode = res.statusCode;
      this.reached = true;
      logId = headerValue(res.headers['x-tt-logid']);
      const reset = Number(headerValue(res.headers['x-ogw-ratelimit-reset']));
      resetSec = Number.isFinite(reset) && reset >= 0 ? reset : undefined;
      text = await res.body.text();
    } catch (error) {
      if (req.signal?.aborted) throw req.signal.reason;
      if (deadline.expired) {
        throw new FeishuTransportError(
          'timeout',
          this.target,
          `no complete answer to ${endpoint} within ${this.timeoutMs / 1000} s (request_timeout_seconds)`,
        );
      }
      throw this.transportError(error);
    } finally {
      deadline.clear();
    }
    const parsed = parseEnvelope(text);
    if (!parsed) {
      // Gateways answer 502/503/504 with HTML; any non-JSON body is a transport problem.
      throw new FeishuTransportError('http', this.target, `HTTP ${statusCode} with a non-JSON body`, statusCode, logId);
    }
    if (parsed.code !== 0) {
      throw new FeishuApiError(parsed.code, String(parsed.msg ?? ''), statusCode, logId, endpoint, resetSec);
    }
    return { body: parsed as T, httpStatus: statusCode, logId };
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  private transportError(error: unknown): FeishuTransportError {
    const code = errorCode(error);
    if (error instanceof undiciErrors.ConnectTimeoutError)
      return new FeishuTransportError('connect', this.target, 'connect timeout');
    if (error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError) {
      return new FeishuTransportError('timeout', this.target, code ?? 'timeout');
    }
    if (code !== undefined && isTlsFailure(code)) {
      return new FeishuTransportError('connect', this.target, `TLS handshake failed (${code})`);
    }
    if (
      code === 'ECONNREFUSED' ||
      code === 'ENOTFOUND' ||
      code === 'EAI_AGAIN' ||
      code === 'EHOSTUNREACH' ||
      code === 'ENETUNREACH'
    ) {
      return new FeishuTransportError('connect', this.target, code);
    }
    return new FeishuTransportError(
      'reset',
      this.target,
      code ?? (error instanceof Error ? error.message : String(error)),
    );
  }
}

/**
 * One request's deadline joined with the caller's signal. A plain timer and listener rather than
 * AbortSignal.any/timeout, so that nothing stays attached to the caller's long-lived signal.
 */
class Deadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  expired = false;

  constructor(
    timeoutMs: number,
    private readonly caller: AbortSignal | undefined,
  ) {
    this.timer = setTimeout(() => {
      this.expired = true;
      this.controller.abort(new Error('request deadline'));
    }, timeoutMs);
    if (caller?.aborted) this.controller.abort(caller.reason);
    else caller?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  clear(): void {
    clearTimeout(this.timer);
    this.caller?.removeEventListener('abort', this.onCallerAbort);
  }

  private readonly onCallerAbort = (): void => this.controller.abort(this.caller?.reason);
}

function queryString(query: TransportRequest['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (Array.isArray(value)) for (const item of value as readonly string[]) params.append(key, item);
    else if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? '?' + text : '';
}

function parseEnvelope(text: string): (FeishuEnvelope & Record<string, unknown>) | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && typeof (value as { code?: unknown }).code === 'number') {
      return value as FeishuEnvelope & Record<string, unknown>;
    }
  } catch {
    // not JSON: handled by the caller
  }
  return undefined;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * OpenSSL's and Node's codes for a TLS handshake that failed: a certificate not trusted, expired or
 * for another name, or a server that does not speak TLS on that port (ERR_SSL_WRONG_VERSION_NUMBER).
 */
export function isTlsFailure(code: string): boolean {
  return /^ERR_(SSL|TLS)_/.test(code) || code === 'EPROTO' || /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/.test(code);
}

/** undici wraps socket errors; the errno code may sit on the error or its cause. */
function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && !code.startsWith('UND_ERR_SOCKET')) return code;
    if (typeof code === 'string') return 'ECONNRESET';
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
