import { ConfigError } from './errors.js';
import type { AirbyteStream, ConfiguredAirbyteCatalog } from './protocol.js';

/**
 * Checks a configured catalog against the streams discover declares, where a
 * mistake would read the wrong data: every stream must exist, be listed once,
 * and ask for a sync mode it supports. Everything else the platform adds
 * (destination_sync_mode, generation_id, sync_id, a null cursor_field, ...)
 * is the destination's business and passes untouched.
 */
export function checkCatalog(catalog: ConfiguredAirbyteCatalog, available: AirbyteStream[]): void {
  const byName = new Map(available.map((stream) => [stream.name, stream]));
  const seen = new Set<string>();
  for (const configured of catalog.streams) {
    const { name } = configured.stream;
    const stream = byName.get(name);
    if (!stream) {
      throw new ConfigError(
        `The catalog names an unknown stream '${name}'; this source has: ${[...byName.keys()].join(', ')}.`,
      );
    }
    if (seen.has(name)) throw new ConfigError(`The catalog lists stream '${name}' more than once.`);
    seen.add(name);
    if (!stream.supported_sync_modes.includes(configured.sync_mode)) {
      throw new ConfigError(
        `The catalog asks for sync_mode '${String(configured.sync_mode)}' on stream '${name}', which supports: ${stream.supported_sync_modes.join(', ')}.`,
      );
    }
  }
}
