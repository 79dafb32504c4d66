/**
 * HTTP helpers shared by the hostile-mode emulator tests: an emulator per test on a small fixed
 * data set, fetch wrappers, pagination and raw-socket chunk reading. Not a test file itself.
 */
import assert from 'node:assert/strict';
import { get as httpGet } from 'node:http';
import { type EmulatorOptions, type FeishuEmulator } from '../emulator/index.js';
import { withStartedEmulator } from './helpers/small-emulator.js';

const HOUR = 3_600_000;
export const SPAN_START = Date.UTC(2024, 0, 1, 0, 0, 0);
export const SPAN_END = SPAN_START + 8 * HOUR;
export const INSTANCES = 40;
export const TOKEN_PATH = '/open-apis/auth/v3/tenant_access_token/internal';
export const KNOWN_STATUSES = ['PENDING', 'APPROVED', 'REJECTED', 'CANCELED', 'DELETED'];

export type Body = Record<string, unknown>;
export interface Reply {
  status: number;
  headers: Headers;
  body: Body;
}

export function withEmulator(
  options: Partial<EmulatorOptions>,
  fn: (emu: FeishuEmulator) => Promise<void>,
): Promise<void> {
  const base = { seed: 17, codeCount: 1, instancesPerCode: INSTANCES, spanStartMs: SPAN_START, spanEndMs: SPAN_END };
  return withStartedEmulator({ ...base, listRateLimit: null, detailRateLimit: null, ...options }, fn);
}

export async function call(url: string, init: RequestInit = {}): Promise<Reply> {
  const res = await fetch(url, init);
  return { status: res.status, headers: res.headers, body: JSON.parse(await res.text()) as Body };
}

export function postJson(url: string, payload: unknown): Promise<Reply> {
  return call(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(payload) });
}

/** The wrong app_secret the token error replies are checked against (echoed or not). */
export const WRONG_SECRET = 'wrong-secret-xyz';

/** Asks for a tenant token with the right app_id and `WRONG_SECRET`. */
export function tokenWithWrongSecret(emu: FeishuEmulator): Promise<Reply> {
  return postJson(emu.baseUrl + TOKEN_PATH, { app_id: emu.options.appId, app_secret: WRONG_SECRET });
}

/** The emulator's run-time switches as it reports them (GET /_emulator/config). */
export async function switches(baseUrl: string): Promise<Body> {
  return (await call(`${baseUrl}/_emulator/config`)).body;
}

/** Sets run-time switches (POST /_emulator/config); a bad value answers 400. */
export function setSwitches(baseUrl: string, values: Body): Promise<Reply> {
  return postJson(`${baseUrl}/_emulator/config`, values);
}

export async function token(emu: FeishuEmulator): Promise<string> {
  const reply = await postJson(emu.baseUrl + TOKEN_PATH, {
    app_id: emu.options.appId,
    app_secret: emu.options.appSecret,
  });
  assert.equal(reply.body['code'], 0);
  return reply.body['tenant_access_token'] as string;
}

export function listPath(emu: FeishuEmulator, pageSize: number, pageToken?: string): string {
  const q = new URLSearchParams({
    approval_code: emu.approvalCodes[0] as string,
    start_time: String(SPAN_START),
    end_time: String(SPAN_END),
    page_size: String(pageSize),
  });
  if (pageToken !== undefined) q.set('page_token', pageToken);
  return `/open-apis/approval/v4/instances?${q.toString()}`;
}

export const detailPath = (instanceCode: string): string =>
  `/open-apis/approval/v4/instances/${encodeURIComponent(instanceCode)}`;

export function get(emu: FeishuEmulator, path: string, tok: string): Promise<Reply> {
  return call(emu.baseUrl + path, { headers: { Authorization: `Bearer ${tok}` } });
}

export const dataOf = (reply: Reply): Body => reply.body['data'] as Body;
export const allCodes = (emu: FeishuEmulator): string[] => emu.truth().map((t) => t.instanceCode);

/** Follows `has_more`/`page_token` for at most `maxPages` pages; returns every page's data. */
export async function pages(emu: FeishuEmulator, tok: string, pageSize: number, maxPages: number): Promise<Body[]> {
  const out: Body[] = [];
  let pageToken: string | undefined;
  while (out.length < maxPages) {
    const reply = await get(emu, listPath(emu, pageSize, pageToken), tok);
    assert.equal(reply.body['code'], 0, JSON.stringify(reply.body));
    const data = dataOf(reply);
    out.push(data);
    if (data['has_more'] !== true && data['has_more'] !== 'true') break;
    pageToken = data['page_token'] as string;
  }
  return out;
}

/** Depth of nested arrays/objects, walked without recursion (the point is that it is deep). */
export function depthOf(value: unknown): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop() as [unknown, number];
    if (typeof v !== 'object' || v === null) continue;
    max = Math.max(max, d);
    for (const child of Object.values(v)) stack.push([child, d + 1]);
  }
  return max;
}

/** Reads the first `n` body chunks of a GET with a raw socket, then hangs up. */
export function firstChunks(
  url: string,
  tok: string,
  n: number,
): Promise<{ sizes: number[]; times: number[]; contentLength: number }> {
  return new Promise((resolve, reject) => {
    const sizes: number[] = [];
    const times: number[] = [];
    const req = httpGet(url, { headers: { Authorization: `Bearer ${tok}` } }, (res) => {
      const contentLength = Number(res.headers['content-length']);
      res.on('data', (chunk: Buffer) => {
        sizes.push(chunk.length);
        times.push(performance.now());
        if (sizes.length === n) {
          req.destroy();
          resolve({ sizes, times, contentLength });
        }
      });
      res.on('error', () => undefined);
    });
    req.on('error', (error) => {
      if (sizes.length < n) reject(error);
    });
  });
}
