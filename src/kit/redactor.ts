/**
 * Masks secrets (credentials, access tokens) in any text the connector prints.
 * The source registers every secret it learns; the Emitter runs every message
 * line through here, so a secret that slips into an error message, or that a
 * server echoes back in its `msg`, never leaves the process.
 */
export class Redactor {
  private readonly secrets = new Set<string>();
  /** What to look for in a serialised line: each secret, and its JSON-escaped form when that differs. */
  private readonly needles: string[] = [];

  add(secret: string | undefined | null): void {
    // Very short values would mask innocent text ("1", "ok") and are not real secrets.
    if (typeof secret !== 'string' || secret.length < 4 || this.secrets.has(secret)) return;
    this.secrets.add(secret);
    this.needles.push(secret);
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (escaped !== secret) this.needles.push(escaped);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join('****');
    }
    return out;
  }

  /** True when `text` (plain or serialised JSON) may hold a secret. */
  private mayHoldSecret(text: string): boolean {
    for (const needle of this.needles) if (text.includes(needle)) return true;
    return false;
  }

  /**
   * Serialised JSON message lines, each ending in a newline, with every
   * string in them, keys too, masked. The search runs over the whole text at
   * once (one `includes` per secret for a 64 KiB chunk costs far less than one
   * per record); only a line that holds a secret is parsed and rebuilt, so
   * masking can never break the JSON. A secret made of digits only is not
   * masked where it stands as a number.
   */
  redactLines(lines: string): string {
    if (!this.mayHoldSecret(lines)) return lines;
    return lines
      .split('\n')
      .map((line) => (line && this.mayHoldSecret(line) ? JSON.stringify(this.redactValue(JSON.parse(line))) : line))
      .join('\n');
  }

  private redactValue(value: unknown): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (Array.isArray(value)) return value.map((item) => this.redactValue(item));
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [this.redact(key), this.redactValue(item)]));
    }
    return value;
  }
}
