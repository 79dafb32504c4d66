/**
 * Masks secrets (credentials, access tokens) in any text the connector prints.
 * The source registers every secret it learns; the emitter runs LOG and TRACE
 * text through here, so a secret that slips into an error message never leaves
 * the process.
 */
export class Redactor {
  private readonly secrets = new Set<string>();

  add(secret: string | undefined | null): void {
    // Very short values would mask innocent text ("1", "ok") and are not real secrets.
    if (typeof secret === 'string' && secret.length >= 4) this.secrets.add(secret);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join('****');
    }
    return out;
  }
}
