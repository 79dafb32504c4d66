#!/usr/bin/env node
/**
 * The floor of the large scenario: the least work any connector can do for its output. Takes the
 * connector's arguments (`read --config F --catalog F`; the catalog is ignored: one stream), fetches
 * the pages of the same windows (planWindows / queryBounds at the config's window_hours) one request
 * at a time with undici, parses each body with JSON.parse and writes the same RECORD lines to stdout
 * in 64 KiB chunks. No retries, no budget, no state, no checks: a failure ends it with exit 1.
 * The bench runs it as a child process beside the connector and reports the connector's CPU as a
 * ratio to this program's.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { request } from 'undici';
import { planWindows, queryBounds } from '../src/source/scan/windows.js';
import { HOUR_MS } from '../harness/index.js';

const STREAM = 'approval_instances';
const CHUNK_BYTES = 64 * 1024;

interface FloorConfig {
  base_url: string;
  app_id: string;
  app_secret: string;
  approval_codes: string[];
  start_date: string;
  end_date: string;
  page_size?: number;
  window_hours?: number;
}

interface ListBody {
  code: number;
  data?: { instance_code_list?: string[]; page_token?: string; has_more?: boolean };
}

/** Gathers lines and writes them in chunks of at least 64 KiB, waiting when stdout is full. */
class ChunkedStdout {
  private lines: string[] = [];
  private bytes = 0;

  /** Resolves at once (undefined) unless stdout is full. */
  add(line: string): Promise<void> | undefined {
    this.lines.push(line);
    this.bytes += line.length;
    return this.bytes >= CHUNK_BYTES ? this.flush() : undefined;
  }

  flush(): Promise<void> | undefined {
    const chunk = this.lines.join('');
    this.lines = [];
    this.bytes = 0;
    return process.stdout.write(chunk) ? undefined : new Promise((resolve) => process.stdout.once('drain', resolve));
  }
}

async function getJson<T>(
  url: string,
  init: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string } = {},
): Promise<T> {
  const res = await request(url, init);
  const body = JSON.parse(await res.body.text()) as T & { code: number; msg?: string };
  if (body.code !== 0) throw new Error(`${url}: code ${body.code} ${body.msg ?? ''}`);
  return body;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(3),
    options: { config: { type: 'string' }, catalog: { type: 'string' } },
  });
  const config = JSON.parse(readFileSync(values.config!, 'utf8')) as FloorConfig;
  const base = config.base_url.replace(/\/+$/, '');
  const { tenant_access_token: token } = await getJson<{ tenant_access_token: string }>(
    `${base}/open-apis/auth/v3/tenant_access_token/internal`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ app_id: config.app_id, app_secret: config.app_secret }),
    },
  );
  const headers = { authorization: `Bearer ${token}` };
  const range = { startMs: Date.parse(config.start_date), endMs: Date.parse(config.end_date) };
  const out = new ChunkedStdout();
  for (const approvalCode of config.approval_codes) {
    for (const window of planWindows(range, (config.window_hours ?? 10) * HOUR_MS)) {
      const query = queryBounds(window, range);
      const head = `{"type":"RECORD","record":{"stream":"${STREAM}","data":{"approval_code":${JSON.stringify(approvalCode)},"instance_code":`;
      const tail = `,"created_after":"${new Date(window.startMs).toISOString()}","created_before":"${new Date(window.endMs).toISOString()}","_ab_cdc_deleted_at":null},"emitted_at":`;
      let pageToken = '';
      do {
        const params = new URLSearchParams({
          approval_code: approvalCode,
          start_time: String(query.startMs),
          end_time: String(query.endMs),
          page_size: String(config.page_size ?? 100),
        });
        if (pageToken) params.set('page_token', pageToken);
        const { data } = await getJson<ListBody>(`${base}/open-apis/approval/v4/instances?${params}`, { headers });
        for (const code of data?.instance_code_list ?? []) {
          const full = out.add(`${head}${JSON.stringify(code)}${tail}${Date.now()}}}\n`);
          if (full) await full;
        }
        pageToken = data?.has_more ? (data.page_token ?? '') : '';
      } while (pageToken);
    }
  }
  await out.flush();
}

try {
  await main();
} catch (error) {
  process.stderr.write(`floor: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
