/**
 * The harness that test/, bench/ and scripts/ share for driving the connector against the
 * emulator: paths, read inputs, the CLI in a child process, and what its messages hold.
 */
export { CONNECTOR_BIN, HAVE_SHARED, REPO_ROOT, SHARED_REFERENCE } from './paths.js';
export {
  FORM_TABLE_KEY,
  HOUR_MS,
  PRIMARY_KEYS,
  catalog,
  connectionConfig,
  formTableNames,
  hourFloor,
  writeFiles,
} from './fixtures.js';
export { collectOutput, runConnectorCli, runConnectorUntilKilled, spawnConnector, type CliOutput } from './spawn.js';
export { cutAfterRecords, runConnectorInProcess } from './in-process.js';
export { committedPrefix, cursors, instanceCodes, lastState, logs, records, states, traces } from './messages.js';
/** The emulator's seeded generator, for tests that draw reproducible choices (kill points, limits). */
export { mulberry32 } from '../emulator/random.js';
