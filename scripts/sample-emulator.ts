#!/usr/bin/env node
/**
 * `node dist/scripts/sample-emulator.js [--port 18555]` — serves the fixed data set of
 * integration_tests/ (see sample-dataset.ts) until Ctrl-C / SIGTERM, for running the connector
 * or its image by hand and for Airbyte's connector acceptance tests. Like the emulator CLI it
 * prints one JSON line on stdout ({base_url, app_id, app_secret, approval_codes, instances});
 * chatter goes to stderr.
 */
import { parseArgs } from 'node:util';
import { startEmulator } from '../emulator/index.js';
import { SAMPLE_PORT, sampleEmulatorOptions } from './sample-dataset.js';

const { values } = parseArgs({ options: { port: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
if (values.help) {
  process.stderr.write('usage: node dist/scripts/sample-emulator.js [--port N]   (default 18555, 0 = any free port)\n');
  process.exit(0);
}
const port = values.port === undefined ? SAMPLE_PORT : Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  process.stderr.write(`sample-emulator: --port must be an integer in 0..65535, got '${values.port ?? ''}'\n`);
  process.exit(2);
}

const emulator = await startEmulator(sampleEmulatorOptions(), port);
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
  emulator.stop().finally(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
