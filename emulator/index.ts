/** Public API of the embedded Feishu Open API emulator. */
export { FeishuEmulator, startEmulator, type ContactUserTruth, type EmulatorRuntime } from './server.js';
export { ManualClock, ShiftedClock, wallClock, type EmulatorClock } from './clock.js';
export type {
  BoundSemantics,
  ContactScope,
  DeniableEndpoint,
  EmulatorOptions,
  RateLimitOption,
  RateLimitSetting,
} from './options.js';
export { CONTACT_SCOPES, defaultOptions, OptionError } from './options.js';
export { CONTACT_BATCH_MAX } from './contact-handler.js';
export type { DirectoryDepartment, DirectoryUser } from './directory.js';
export { DEPARTMENT_COUNT, USER_COUNT } from './directory.js';
export type { AddInstancesRequest, InstanceStatus, InstanceTruth } from './dataset.js';
export { DatasetError, generateApprovalCodes } from './dataset.js';
export type { EmulatorStats } from './stats.js';
export type { InstanceDetail } from './instance-detail.js';
export type { CommentItem, TaskItem, TimelineItem } from './process.js';
export type { WidgetDefinition } from './form-widgets.js';
export { FORM_WIDGETS } from './form-widgets.js';
export { HOSTILE_FORM, LEAVE_FORM, LONG_CUSTOM_ID, formTemplate } from './form-templates.js';
export type { DeleteMode } from './transitions.js';
export type { HostileOptions, InstanceTarget } from './hostile-options.js';
export { HOSTILE_SPECS, isTargeted } from './hostile-options.js';
export { CYCLE_TOKEN_PREFIX, ENDLESS_TOKEN_PREFIX, NON_STRING_CODE } from './hostile.js';
export {
  FORM_DEPTH,
  HUGE_TIME,
  KEPT_FIELDS,
  NOT_JSON_FORM,
  TEXT_TIME,
  UNKNOWN_STATUS,
  WRONG_AMOUNT,
  WRONG_DATE,
} from './hostile-detail.js';
