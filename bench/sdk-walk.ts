/**
 * The baseline: what a user of the official SDK writes — for each approval code, for each
 * ≤10 h window in order, `client.approval.v4.instance.listWithIterator` page by page, one request
 * at a time. Runs in this (the emulator's) process; its requests are sequential, so the
 * emulator's own work adds little to each page's 50 ms latency.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../harness/index.js';
import type { Window } from '../src/source/scan/windows.js';

/**
 * The part of the SDK the baseline uses. The SDK is not a dependency of the project: `npm run
 * bench` installs it into bench/peer/ (its own package.json and lock), so it is loaded from there
 * at run time and typed here by hand.
 */
interface LarkClient {
  approval: {
    v4: {
      instance: {
        listWithIterator(payload: { params: Record<string, string | number> }): Promise<AsyncIterable<unknown>>;
      };
    };
  };
}
interface LarkSdk {
  Client: new (options: {
    appId: string;
    appSecret: string;
    domain: string;
    appType: unknown;
    loggerLevel: unknown;
  }) => LarkClient;
  AppType: { SelfBuild: unknown };
  LoggerLevel: { error: unknown };
}

const PEER_PACKAGE = join(REPO_ROOT, 'bench', 'peer', 'package.json');

/** The SDK as bench/peer/ installed it; a clear message when it is missing. */
export async function loadSdk(): Promise<LarkSdk> {
  let entry: string;
  try {
    entry = createRequire(PEER_PACKAGE).resolve('@larksuiteoapi/node-sdk');
  } catch {
    throw new Error(
      'the official SDK is not installed: run `npm ci --prefix bench/peer` (npm run bench does it when missing)',
    );
  }
  return (await import(pathToFileURL(entry).href)) as LarkSdk;
}

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

export async function sdkClient(baseUrl: string, appId: string, appSecret: string): Promise<LarkClient> {
  const lark = await loadSdk();
  return new lark.Client({
    appId,
    appSecret,
    domain: baseUrl,
    appType: lark.AppType.SelfBuild,
    // The SDK caches the tenant token itself (one token request for the whole walk), like the connector.
    loggerLevel: lark.LoggerLevel.error,
  });
}

export async function walkWithSdk(client: LarkClient, windows: SdkWindow[], pageSize: number): Promise<SdkWalk> {
  const out: SdkWalk = { windows: windows.length, pages: 0, records: 0, codes: new Set(), failedPages: 0, wallS: 0 };
  const started = performance.now();
  for (const w of windows) {
    const iterator = await client.approval.v4.instance.listWithIterator({
      params: {
        approval_code: w.approvalCode,
        start_time: String(w.query.startMs),
        end_time: String(w.query.endMs),
        page_size: pageSize,
      },
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
