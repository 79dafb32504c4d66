#!/usr/bin/env node
/**
 * `node dist/scripts/sample-emulator.js [--port 18555] [--host 127.0.0.1]` — serves the fixed data set of
 * integration_tests/ (see sample-dataset.ts) until Ctrl-C / SIGTERM, for running the connector
 * or its image by hand and for Airbyte's connector acceptance tests. Like the emulator CLI it
 * prints one JSON line on stdout ({base_url, app_id, app_secret, approval_codes, instances});
 * chatter goes to stderr. `--host` binds another address (e.g. 0.0.0.0 or a Docker bridge
 * address) so that a container network can reach it, as Airbyte's acceptance tests need; see
 * docs/integrations/sources/feishu-approval.md#acceptance-tests.
 */
import { parseArgs } from 'node:util';
import { FeishuEmulator } from '../emulator/index.js';
import { SAMPLE_PORT, sampleEmulatorOptions } from './sample-dataset.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stderr.write(
    'usage: node dist/scripts/sample-emulator.js [--port N] [--host ADDRESS]   (default 18555, 0 = any free port; 127.0.0.1)\n',
  );
  process.exit(0);
}
const port = values.port === undefined ? SAMPLE_PORT : Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  process.stderr.write(`sample-emulator: --port must be an integer in 0..65535, got '${values.port ?? ''}'\n`);
  process.exit(2);
}

const emulator = new FeishuEmulator(sampleEmulatorOptions());
await emulator.start(port, values.host);
const options = emulator.options;
process.stdout.write(
  `${JSON.stringify({
    base_url: emulator.baseUrl,
    app_id: options.appId,
    app_secret: options.appSecret,
    approval_codes: emulator.approvalCodes,
    instances: emulator.instanceCount,
  })}\n`,
);
process.stderr.write(
  `Sample Feishu emulator on ${emulator.baseUrl}: ${emulator.approvalCodes.length} approval codes, ${emulator.instanceCount} instances ` +
    `created ${new Date(options.spanStartMs).toISOString()} .. ${new Date(options.spanEndMs).toISOString()}; Ctrl-C to stop\n`,
);
const stop = (): void => {
  void emulator.stop().finally(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
