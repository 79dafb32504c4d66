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
  /** Secrets made of digits only, which a server may echo as a JSON number. */
  private readonly digitSecrets = new Set<string>();
  /** Grows with every new secret, so a caller may cache "this text holds none" per version. */
  private generation = 0;

  add(secret: string | undefined | null): void {
    // Very short values would mask innocent text ("1", "ok") and are not real secrets.
    if (typeof secret !== 'string' || secret.length < 4 || this.secrets.has(secret)) return;
    this.secrets.add(secret);
    this.needles.push(secret);
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (escaped !== secret) this.needles.push(escaped);
    if (/^[0-9]+$/.test(secret)) this.digitSecrets.add(secret);
    this.generation++;
  }

  get version(): number {
    return this.generation;
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join('****');
    }
    return out;
  }

  /** True when `text` (plain or serialised JSON) may hold a secret: the cheap test run on every line. */
  mayHoldSecret(text: string): boolean {
    for (const needle of this.needles) if (text.includes(needle)) return true;
    return false;
  }

  /**
   * One serialised JSON message line (newline included) with every string in
   * it, keys too, masked. Lines without a secret come back unchanged; the rare
   * line with one is parsed and rebuilt, so masking can never break the JSON.
   * A number that is a secret made of digits becomes the string "****".
   */
  redactLine(line: string): string {
    if (!this.mayHoldSecret(line)) return line;
    return JSON.stringify(this.redactValue(JSON.parse(this.maskNumbers(line)))) + '\n';
  }

  /**
   * Replaces each number token (outside strings) equal to a digit-only secret
   * by "****", before parsing: parsed, a long one would lose digits and no
   * longer match. Only whole numbers are masked; a secret inside a longer
   * number (a timestamp, say) is left, as masking it would corrupt the value.
   */
  private maskNumbers(line: string): string {
    if (this.digitSecrets.size === 0) return line;
    let out = '';
    let copiedTo = 0;
    for (let i = 0; i < line.length; i++) {
      const c = line.charCodeAt(i);
      if (c === 0x22) {
        // Skip a string: to its closing quote, over escaped characters.
        for (i++; i < line.length && line.charCodeAt(i) !== 0x22; i++) if (line.charCodeAt(i) === 0x5c) i++;
      } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
        let end = i;
        while (end < line.length && /[-+0-9.eE]/.test(line[end]!)) end++;
        const token = line.slice(i, end);
        if (this.digitSecrets.has(token.replace(/^-/, ''))) {
          out += line.slice(copiedTo, i) + '"****"';
          copiedTo = end;
        }
        i = end - 1;
      }
    }
    return out + line.slice(copiedTo);
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
