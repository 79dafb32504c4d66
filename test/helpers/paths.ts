import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The repository root (tests run from dist/test/...). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CONNECTOR_BIN = join(REPO_ROOT, 'dist', 'src', 'main.js');
/** ../shared beside the clone: the protocol and registry schemas live there, never copied in. */
export const SHARED_REFERENCE = join(REPO_ROOT, '..', 'shared', 'reference');
export const HAVE_SHARED = existsSync(join(SHARED_REFERENCE, 'airbyte_protocol.yaml'));
