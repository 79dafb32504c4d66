import type { AirbyteMessage, JsonObject } from '../../src/kit/protocol.js';
import { records } from '../../harness/index.js';

/**
 * What an append-dedup destination keeps per instance of `stream` (keyed by instance_code): the
 * row with the greatest cursor (created_before), the later one on a tie.
 */
export function latestRows(stream: string, runs: AirbyteMessage[][]): Map<string, JsonObject> {
  const latest = new Map<string, JsonObject>();
  for (const run of runs) {
    for (const { data } of records(run, stream)) {
      const code = data['instance_code'] as string;
      const held = latest.get(code);
      if (!held || Date.parse(data['created_before'] as string) >= Date.parse(held['created_before'] as string))
        latest.set(code, data);
    }
  }
  return latest;
}
