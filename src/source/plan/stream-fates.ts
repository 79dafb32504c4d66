import type { ScanHandlers } from '../sync/contract.js';

/** A stream taking part in a shared scan. */
export interface ScanMember {
  name: string;
  handlers: ScanHandlers;
}

/**
 * Keeps the fates of the streams that share one scan apart: a stream whose
 * handler throws or rejects is set aside with its error, and the scan goes on
 * for the others. Only when every stream has failed does the scan itself stop
 * (the combined handlers then throw). Errors of the scan itself (the list API)
 * fail every stream still standing, through `failRemaining`.
 */
export class StreamFates {
  private readonly failures = new Map<string, unknown>();

  constructor(private readonly members: ScanMember[]) {}

  /** The error each failed stream failed with, by stream name. */
  failed(name: string): { error: unknown } | undefined {
    return this.failures.has(name) ? { error: this.failures.get(name) } : undefined;
  }

  get allFailed(): boolean {
    return this.failures.size === this.members.length;
  }

  fail(name: string, error: unknown): void {
    if (!this.failures.has(name)) this.failures.set(name, error);
  }

  /** The scan failed: every stream that had not failed on its own fails with the scan's error. */
  failRemaining(error: unknown): void {
    for (const { name } of this.members) this.fail(name, error);
  }

  /**
   * One set of handlers that feeds every stream still standing. A single stream
   * gets its own handlers untouched (the common, fast case): its failure is the
   * scan's failure.
   */
  handlers(): ScanHandlers {
    if (this.members.length === 1) return this.members[0]!.handlers;
    return {
      onCode: (code, window) => this.fanOut((h) => h.onCode(code, window)),
      onCheckpoint: (cursors, final) => this.fanOut((h) => h.onCheckpoint(cursors, final)),
      onProgress: (progress) => void this.fanOut((h) => void h.onProgress?.(progress)),
    };
  }

  private fanOut(call: (handlers: ScanHandlers) => Promise<void> | undefined): Promise<void> | undefined {
    const pending: Promise<void>[] = [];
    for (const { name, handlers } of this.members) {
      if (this.failures.has(name)) continue;
      try {
        const result = call(handlers);
        if (result) pending.push(result.then(undefined, (error: unknown) => this.fail(name, error)));
      } catch (error) {
        this.fail(name, error);
      }
    }
    if (pending.length === 0) return this.stopIfAllFailed();
    return Promise.all(pending).then(() => this.stopIfAllFailed());
  }

  /** Throws the first failure once no stream is left to read for. */
  private stopIfAllFailed(): undefined {
    if (this.allFailed) throw this.failures.values().next().value;
    return undefined;
  }
}
