import type {
  AirbyteCatalog,
  AirbyteConnectionStatus,
  AirbyteStateMessage,
  ConfiguredAirbyteCatalog,
  ConnectorSpecification,
} from './protocol.js';
import type { Emitter } from './emitter.js';

/**
 * What a connector implements; the runner does the rest (files, validation,
 * error traces, exit codes). `Config` is the typed config the source builds
 * from the raw JSON once it passed the spec's schema.
 */
export interface Source<Config> {
  spec(): ConnectorSpecification;
  /**
   * Config keys the source reads that the spec does not show (test-only switches): no warning
   * calls them unknown, and none suggests them for a mistyped key.
   */
  readonly hiddenConfigKeys?: readonly string[];
  /**
   * Semantic checks the schema cannot express (dates in order, URL rules) and
   * conversion to the typed config. Throws ConfigError naming the field.
   */
  parseConfig(raw: Record<string, unknown>): Config;
  /** Values to mask in every message, known as soon as the config is read. */
  secrets(config: Config): string[];
  check(config: Config, emitter: Emitter): Promise<AirbyteConnectionStatus>;
  discover(config: Config, emitter: Emitter): Promise<AirbyteCatalog>;
  read(
    config: Config,
    catalog: ConfiguredAirbyteCatalog,
    state: AirbyteStateMessage[],
    emitter: Emitter,
  ): Promise<void>;
}
