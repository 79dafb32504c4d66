/** Public API of the embedded Feishu Open API emulator. */
export { FeishuEmulator, startEmulator } from './server.js';
export type { BoundSemantics, EmulatorOptions, RateLimitOption } from './options.js';
export { defaultOptions, OptionError } from './options.js';
export type { AddInstancesRequest, InstanceStatus, InstanceTruth } from './dataset.js';
export { DatasetError, generateApprovalCodes } from './dataset.js';
export type { EmulatorStats } from './stats.js';
export type { InstanceDetail } from './instance-detail.js';
export type { HostileOptions, InstanceTarget } from './hostile-options.js';
export { HOSTILE_SPECS, isTargeted } from './hostile-options.js';
export { CYCLE_TOKEN_PREFIX, ENDLESS_TOKEN_PREFIX, NON_STRING_CODE } from './hostile.js';
export { FORM_DEPTH, HUGE_TIME, KEPT_FIELDS, NOT_JSON_FORM, TEXT_TIME, UNKNOWN_STATUS } from './hostile-detail.js';
