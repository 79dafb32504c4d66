import type { FeishuEmulator } from '../../emulator/index.js';
import { FeishuClient, type FeishuClientOptions } from '../../src/feishu/client.js';

/** A FeishuClient pointed at the emulator with its app's credentials; `options` set the rest. */
export function clientFor(
  emulator: FeishuEmulator,
  options: Omit<FeishuClientOptions, 'baseUrl' | 'appId' | 'appSecret'>,
): FeishuClient {
  return new FeishuClient({
    baseUrl: emulator.baseUrl,
    appId: emulator.options.appId,
    appSecret: emulator.options.appSecret,
    ...options,
  });
}
