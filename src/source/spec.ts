import { readFileSync } from 'node:fs';
import type { ConnectorSpecification } from '../kit/protocol.js';

/** spec/spec.json sits at the package root, three levels above dist/src/source/. */
const SPEC_URL = new URL('../../../spec/spec.json', import.meta.url);

let cached: ConnectorSpecification | undefined;

export function loadSpec(): ConnectorSpecification {
  cached ??= JSON.parse(readFileSync(SPEC_URL, 'utf8')) as ConnectorSpecification;
  return cached;
}
