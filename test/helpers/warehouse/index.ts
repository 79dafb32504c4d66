/** A data team's warehouse in a test: Destinations V2 loading into PGlite, the truth, the comparison. */
export { ApiReader } from './api-reader.js';
export { discoveredStreams, warehouseCatalog } from './catalog.js';
export { columnsOf, ident, sqlTypeOf } from './columns.js';
export { compareTables, formatDiffs, type TableDiff } from './compare.js';
export { freshDatabase } from './fresh-db.js';
export { resultDiff, runBlock, sqlBlocks, type SqlBlock } from './docs-sql.js';
export { DELETED_AT, keyOf, WarehouseLoader } from './loader.js';
export { writeTables } from './tables.js';
export { finalStates, runTrial, TRIAL_SIZE, type TrialResult, type TrialSize } from './trial.js';
export { buildTruth, type Truth, type TruthInput } from './truth.js';
