#!/usr/bin/env node
import { runConnector } from './kit/runner.js';
import { FeishuApprovalSource } from './source/index.js';

const code = await runConnector(new FeishuApprovalSource(), process.argv.slice(2), {
  scriptName: 'source-feishu-approval',
});
// Open keep-alive sockets or timers must not keep a finished connector alive.
process.exit(code);
