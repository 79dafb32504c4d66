/**
 * The fixed data set behind integration_tests/: its sample_config.json, sample_state.json,
 * abnormal_state.json and expected_records.jsonl are written against exactly this emulator.
 *
 * The emulator CLI's `--days N` spreads creation times over the N days before *now*, so the
 * records it serves change from run to run; these options pin the span instead. Instance codes
 * and creation times then depend on the seed alone, and details on the seed and the pinned anchor.
 */
import type { EmulatorOptions } from '../emulator/index.js';

/** The port sample_config.json names (base_url http://127.0.0.1:18555). */
export const SAMPLE_PORT = 18555;

/** 2024-01-01T00:00:00Z .. 2024-01-02T00:00:00Z, both inclusive, as sample_config's start/end_date. */
export const SAMPLE_SPAN_START_MS = Date.UTC(2024, 0, 1);
export const SAMPLE_SPAN_END_MS = Date.UTC(2024, 0, 2);
/**
 * The status model's anchor, pinned at the span's end: every instance is final by 2024-01-04 (PENDING
 * ones end at most 48 h after it), so each detail (status, end_time, tasks, timeline) is the same
 * whenever the emulator runs, and expected_records.jsonl can hold every stream.
 */
export const SAMPLE_ANCHOR_MS = SAMPLE_SPAN_END_MS;

export function sampleEmulatorOptions(): Partial<EmulatorOptions> {
  return {
    seed: 42,
    codeCount: 2,
    instancesPerCode: 200,
    spanStartMs: SAMPLE_SPAN_START_MS,
    spanEndMs: SAMPLE_SPAN_END_MS,
    seedAnchorMs: SAMPLE_ANCHOR_MS,
  };
}
