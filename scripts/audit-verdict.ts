#!/usr/bin/env node
/**
 * Reads `npm audit --json` on stdin and decides what CI does with it. Exit 0: the audit ran and
 * found no high or critical vulnerability; 1: it found some; 3: the audit did not run (no report,
 * e.g. the registry's advisory endpoint is unreachable), which scripts/audit.sh reports loudly.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export type AuditVerdict =
  | { status: 'clean' | 'vulnerable'; high: number; critical: number; message: string }
  | { status: 'unavailable'; message: string };

interface AuditReport {
  metadata?: { vulnerabilities?: Record<string, number> };
  message?: string;
  error?: { summary?: string };
}

export function auditVerdict(json: string): AuditVerdict {
  let report: AuditReport;
  try {
    report = JSON.parse(json) as AuditReport;
  } catch {
    return {
      status: 'unavailable',
      message: `npm audit printed no JSON report: ${json.slice(0, 200).trim() || '(nothing)'}`,
    };
  }
  const counts = report.metadata?.vulnerabilities;
  if (!counts || typeof counts !== 'object') {
    const reason = report.message ?? report.error?.summary ?? 'no vulnerability counts in the report';
    return { status: 'unavailable', message: `npm audit did not run: ${reason}` };
  }
  const high = counts['high'] ?? 0;
  const critical = counts['critical'] ?? 0;
  const status = high + critical > 0 ? 'vulnerable' : 'clean';
  return { status, high, critical, message: `npm audit (production dependencies): ${critical} critical, ${high} high` };
}

const EXIT_CODES = { clean: 0, vulnerable: 1, unavailable: 3 } as const;

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const verdict = auditVerdict(readFileSync(0, 'utf8'));
  process.stdout.write(verdict.message + '\n');
  process.exit(EXIT_CODES[verdict.status]);
}
