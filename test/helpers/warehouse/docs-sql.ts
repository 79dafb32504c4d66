/** The ```sql blocks of a markdown file, in order, with the line each starts on. */
import { readFileSync } from 'node:fs';

export interface SqlBlock {
  line: number;
  sql: string;
}

export function sqlBlocks(markdownPath: string): SqlBlock[] {
  const lines = readFileSync(markdownPath, 'utf8').split('\n');
  const blocks: SqlBlock[] = [];
  let start = -1;
  let body: string[] = [];
  lines.forEach((text, i) => {
    if (start < 0 && /^```sql\s*$/i.test(text.trim())) {
      start = i + 1;
      body = [];
    } else if (start >= 0 && text.trim() === '```') {
      blocks.push({ line: start, sql: body.join('\n') });
      start = -1;
    } else if (start >= 0) body.push(text);
  });
  return blocks;
}
