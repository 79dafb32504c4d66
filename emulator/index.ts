/** Public API of the embedded Feishu Open API emulator. */
export { FeishuEmulator, startEmulator } from './server.js';
export type { BoundSemantics, EmulatorOptions, RateLimitOption } from './options.js';
export { defaultOptions, OptionError } from './options.js';
export type { AddInstancesRequest, InstanceStatus, InstanceTruth } from './dataset.js';
export { DatasetError, generateApprovalCodes } from './dataset.js';
export type { EmulatorStats } from './stats.js';
export type { InstanceDetail } from './instance-detail.js';
