/**
 * The baseline: what a user of the official SDK writes — for each approval code, for each
 * ≤10 h window in order, `client.approval.v4.instance.listWithIterator` page by page, one request
 * at a time. Runs in this (the emulator's) process; its requests are sequential, so the
 * emulator's own work adds little to each page's 50 ms latency.
 */
import * as lark from '@larksuiteoapi/node-sdk';
import type { Window } from '../src/source/scan/windows.js';

export interface SdkWindow {
  approvalCode: string;
  /** The start_time / end_time sent (the connector's query bounds for that window). */
  query: Window;
}

export interface SdkWalk {
  windows: number;
  pages: number;
  records: number;
  codes: Set<string>;
  /** Pages the iterator yielded as null/empty because a request failed (the SDK swallows errors). */
  failedPages: number;
  wallS: number;
}

export function sdkClient(baseUrl: string, appId: string, appSecret: string): lark.Client {
  return new lark.Client({
    appId,
    appSecret,
    domain: baseUrl,
    appType: lark.AppType.SelfBuild,
    // The SDK caches the tenant token itself (one token request for the whole walk), like the connector.
    loggerLevel: lark.LoggerLevel.error,
  });
}

export async function walkWithSdk(client: lark.Client, windows: SdkWindow[], pageSize: number): Promise<SdkWalk> {
  const out: SdkWalk = { windows: windows.length, pages: 0, records: 0, codes: new Set(), failedPages: 0, wallS: 0 };
  const started = performance.now();
  for (const w of windows) {
    const iterator = await client.approval.v4.instance.listWithIterator({
      params: { approval_code: w.approvalCode, start_time: String(w.query.startMs), end_time: String(w.query.endMs), page_size: pageSize },
    });
    for await (const page of iterator) {
      out.pages++;
      const list = (page as { instance_code_list?: string[] } | null)?.instance_code_list;
      if (!list) {
        out.failedPages++;
        continue;
      }
      for (const code of list) {
        out.records++;
        out.codes.add(code);
      }
    }
  }
  out.wallS = (performance.now() - started) / 1000;
  return out;
}
