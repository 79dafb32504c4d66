/**
 * The body rows of a Markdown table whose header line is `lines[header]`: the `|` lines after the
 * separator, up to the first line that is not one, as cells trimmed and with `\|` read as `|`.
 */
export function markdownTableRows(lines: readonly string[], header: number): string[][] {
  const rows: string[][] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim().replace(/\\\|/g, '|')),
    );
  }
  return rows;
}
