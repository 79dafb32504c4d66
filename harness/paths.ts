/** Where the repository, the built connector and ../shared lie (this file runs as dist/harness/paths.js). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The connector's CLI as `npm run build` leaves it (package.json's bin). */
export const CONNECTOR_BIN = join(REPO_ROOT, 'dist', 'src', 'main.js');
/** ../shared beside the clone: the protocol and registry schemas live there, never copied in. */
export const SHARED_REFERENCE = join(REPO_ROOT, '..', 'shared', 'reference');
export const HAVE_SHARED = existsSync(join(SHARED_REFERENCE, 'airbyte_protocol.yaml'));
