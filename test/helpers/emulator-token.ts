import type { FeishuEmulator } from '../../emulator/index.js';

export const TOKEN_PATH = '/open-apis/auth/v3/tenant_access_token/internal';

/** A tenant token from the emulator, fetched as a client would, for tests that call its API directly. */
export async function emulatorToken(emu: FeishuEmulator): Promise<string> {
  const res = await fetch(emu.baseUrl + TOKEN_PATH, {
    method: 'POST',
    body: JSON.stringify({ app_id: emu.options.appId, app_secret: emu.options.appSecret }),
  });
  return ((await res.json()) as { tenant_access_token: string }).tenant_access_token;
}

/** GET one instance's detail from the emulator's API with `tok`: the body as the client sees it. */
export async function instanceDetailBody(
  emu: FeishuEmulator,
  tok: string,
  code: string,
): Promise<{ code: number; data: Record<string, unknown> }> {
  const res = await fetch(`${emu.baseUrl}/open-apis/approval/v4/instances/${code}`, {
    headers: { Authorization: `Bearer ${tok}` },
  });
  return (await res.json()) as { code: number; data: Record<string, unknown> };
}
