/**
 * Issue 25 §8: the user page follows Airbyte's source-doc template heading for heading, as the
 * connector acceptance tests' documentation rules check it (connector_acceptance_test
 * TestConnectorDocumentation, also connectors_qa CheckDocumentationStructure): a port of
 * test_docs_structure (the headings in the template's order, connector-specific ones only where the
 * template allows them), test_prerequisites_content (the spec's required fields named by their
 * titles) and test_docs_descriptions (the fixed text under the headings that have one). The
 * template's tables and texts are copied from Airbyte's repository; the ported functions are tested
 * on small cases first, so a pass means the page passes, not that the port is lenient.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { REPO_ROOT } from '../harness/index.js';

const SPECIFIC = '<Connector-specific features>';

/** The template's headings in order, and those a page may leave out (CAT's _get_template_headings). */
function templateHeadings(name: string): { all: string[]; optional: string[] } {
  return {
    all: [
      name,
      'Prerequisites',
      'Setup guide',
      `Set up ${name}`,
      'For Airbyte Cloud:',
      'For Airbyte Open Source:',
      SPECIFIC,
      `Set up the ${name} connector in Airbyte`,
      'For Airbyte Cloud:',
      'For Airbyte Open Source:',
      SPECIFIC,
      'Supported sync modes',
      'Supported Streams',
      SPECIFIC,
      'Performance considerations',
      'Data type map',
      'Limitations & Troubleshooting',
      SPECIFIC,
      'Tutorials',
      'Changelog',
    ],
    optional: [
      `Set up the ${name} connector in Airbyte`,
      'For Airbyte Cloud:',
      'For Airbyte Open Source:',
      SPECIFIC,
      'Performance considerations',
      'Data type map',
      'Limitations & Troubleshooting',
      'Tutorials',
    ],
  };
}

/** The fixed lines under a heading (CAT's doc_templates/*.txt), `{connector_name}` and `({docs_link})` as there. */
const DESCRIPTIONS: Record<string, string[]> = {
  '{connector_name}': [
    '',
    '<HideInUI>',
    '',
    'This page contains the setup guide and reference information for the [{connector_name}]({docs_link}) source connector.',
    '',
    '</HideInUI>',
  ],
  'For Airbyte Cloud:': [
    '',
    '1. [Log into your Airbyte Cloud](https://cloud.airbyte.com/workspaces) account.',
    '2. Click Sources and then click + New source.',
    '3. On the Set up the source page, select {connector_name} from the Source type dropdown.',
    '4. Enter a name for the {connector_name} connector.',
  ],
  'For Airbyte Open Source:': [
    '',
    '1. Navigate to the Airbyte Open Source dashboard.',
    '2. Click Sources and then click + New source.',
    '3. On the Set up the source page, select {connector_name} from the Source type dropdown.',
    '4. Enter a name for the {connector_name} connector.',
  ],
  'Supported sync modes': [
    '',
    'The {connector_name} source connector supports the following [sync modes]({docs_link}):',
  ],
};

interface Heading {
  name: string;
  /** 0-based line of the heading. */
  line: number;
}

/** The ATX headings of a Markdown page outside fenced code, each named by its text without inline markup. */
function headingsOf(markdown: string): Heading[] {
  const out: Heading[] = [];
  let fence: string | undefined;
  markdown.split('\n').forEach((text, line) => {
    const opens = /^ {0,3}(`{3,}|~{3,})/.exec(text);
    if (opens) {
      if (fence === undefined) fence = opens[1]![0];
      else if (opens[1]![0] === fence) fence = undefined;
      return;
    }
    if (fence !== undefined) return;
    const m = /^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/.exec(text);
    if (m) out.push({ name: m[1]!.replace(/[`*_]{1,2}([^`*_]+)[`*_]{1,2}/g, '$1'), line });
  });
  return out;
}

/** CAT's remove_not_required_step_headers: after "Step 1: …", drop "Step x.y: …" headings but the one "Step 2: …". */
function removeSubStepHeadings(headers: string[]): string[] {
  let stepOne: number | undefined;
  // CAT keeps the first index of the last heading that names "Step 1: ".
  for (const h of headers) if (h.includes('Step 1: ')) stepOne = headers.indexOf(h);
  if (!stepOne) return headers;
  const steps = headers.slice(stepOne);
  let step = 'Step 1: ';
  let i = 0;
  while (i < steps.length) {
    if (steps[i]!.includes(step)) {
      if (i + 1 < steps.length && /^Step \d+.?\d*: /.test(steps[i + 1]!)) {
        if (steps[i + 1]!.includes('Step 2: ')) {
          step = 'Step 2: ';
          i++;
          continue;
        }
        steps.splice(i + 1, 1);
        continue;
      }
      break;
    }
    break;
  }
  return [...headers.slice(0, stepOne), ...steps];
}

/** CAT's prepare_headers. */
function preparedHeadings(markdown: string): string[] {
  return removeSubStepHeadings(headingsOf(markdown).map((h) => h.name)).map((h) =>
    h.includes('Step 1: ') ? h.replace('Step 1: ', '') : h.includes('Step 2: ') ? h.replace('Step 2: ', '') : h,
  );
}

/** CAT's test_docs_structure: the first heading out of place or missing, or undefined when the page follows the template. */
function structureError(markdown: string, name: string): string | undefined {
  const actual = preparedHeadings(markdown);
  const { all, optional } = templateHeadings(name);
  let a = 0;
  let t = 0;
  while (a < actual.length && t < all.length) {
    const heading = actual[a]!;
    const expected = all[t]!;
    if (expected === SPECIFIC) {
      if (!all.includes(heading)) a++;
      else t++;
      continue;
    }
    if (heading === expected) {
      a++;
      t++;
      continue;
    }
    if (optional.includes(expected)) {
      t++;
      continue;
    }
    return `heading '${heading}' is not in the right place (expected '${expected}')`;
  }
  if (t !== all.length) return `missing headings: ${all.slice(t).join(', ')}`;
  return undefined;
}

/** The lines under `heading` up to the next heading (the last heading of that name wins, as in CAT's dict). */
function linesUnder(markdown: string, heading: string): string[] | undefined {
  const headings = headingsOf(markdown);
  const byName = new Map(headings.map((h) => [h.name, h.line]));
  const line = byName.get(heading);
  if (line === undefined) return undefined;
  const names = [...byName.keys()];
  const next = names[names.indexOf(heading) + 1];
  const lines = markdown.split('\n');
  return lines.slice(line + 1, next === undefined ? undefined : byName.get(next));
}

/** CAT's test_docs_descriptions: each line under a described heading equals the template's, with CAT's substitutions. */
function descriptionErrors(markdown: string, name: string): string[] {
  const errors: string[] = [];
  for (const [key, template] of Object.entries(DESCRIPTIONS)) {
    const heading = key === '{connector_name}' ? name : key;
    const lines = linesUnder(markdown, heading);
    if (!lines) continue;
    template.forEach((t, i) => {
      if (i >= lines.length) return;
      const expected = t.replaceAll('{connector_name}', name);
      let doc = lines[i]!;
      if (t.includes('({docs_link})') && doc.includes('(') && doc.includes(')'))
        doc = doc.slice(0, doc.indexOf('(')) + '({docs_link})' + doc.slice(doc.indexOf(')') + 1);
      if (doc !== expected) errors.push(`under '${heading}', line ${i + 1}: expected '${expected}', got '${doc}'`);
    });
  }
  return errors;
}

/** CAT's test_prerequisites_content: each required field's title (lower case) in the Prerequisites section. */
function missingPrerequisites(
  markdown: string,
  spec: { required: string[]; properties: Record<string, { title: string }> },
): string[] {
  const section = (linesUnder(markdown, 'Prerequisites') ?? []).join('|').toLowerCase();
  return spec.required.map((f) => spec.properties[f]!.title.toLowerCase()).filter((title) => !section.includes(title));
}

describe('the ported rules, on small pages', () => {
  const page = (...headings: string[]): string => headings.map((h) => `${h}\n\ntext\n`).join('\n');
  const cases: { name: string; page: string; error: RegExp | undefined }[] = [
    {
      name: 'the required headings alone',
      page: page(
        '# X',
        '## Prerequisites',
        '## Setup guide',
        '### Set up X',
        '## Supported sync modes',
        '## Supported Streams',
        '## Changelog',
      ),
      error: undefined,
    },
    {
      name: 'steps, cloud/oss parts and connector-specific sections where the template allows them',
      page: page(
        '# X',
        '## Prerequisites',
        '## Setup guide',
        '### Step 1: Set up X',
        '#### Step 1.1: Make an app',
        '### Step 2: Set up the X connector in Airbyte',
        '#### For Airbyte Cloud:',
        '#### For Airbyte Open Source:',
        '#### Create the connection',
        '## Supported sync modes',
        '## Supported Streams',
        '### stream_a',
        '## Configuration',
        '## Performance considerations',
        '### Costs',
        '## Troubleshooting',
        '## Changelog',
      ),
      error: undefined,
    },
    {
      name: 'a lower-case "Supported streams"',
      page: page(
        '# X',
        '## Prerequisites',
        '## Setup guide',
        '### Set up X',
        '## Supported sync modes',
        '## Supported streams',
        '## Changelog',
      ),
      error: /'Supported streams' is not in the right place/,
    },
    {
      name: 'a setup step named otherwise',
      page: page(
        '# X',
        '## Prerequisites',
        '## Setup guide',
        '### Step 1: Create an app',
        '## Supported sync modes',
        '## Supported Streams',
        '## Changelog',
      ),
      error: /'Create an app' is not in the right place \(expected 'Set up X'\)/,
    },
    {
      name: 'sections out of order',
      page: page(
        '# X',
        '## Setup guide',
        '## Prerequisites',
        '### Set up X',
        '## Supported sync modes',
        '## Supported Streams',
        '## Changelog',
      ),
      error: /'Setup guide' is not in the right place/,
    },
    {
      name: 'no changelog',
      page: page(
        '# X',
        '## Prerequisites',
        '## Setup guide',
        '### Set up X',
        '## Supported sync modes',
        '## Supported Streams',
      ),
      error: /missing headings: .*Changelog/,
    },
    {
      name: 'a heading in a code block is no heading',
      page:
        page(
          '# X',
          '## Prerequisites',
          '## Setup guide',
          '### Set up X',
          '## Supported sync modes',
          '## Supported Streams',
          '## Changelog',
        ) + '\n```sh\n# a comment\n```\n',
      error: undefined,
    },
  ];
  for (const c of cases)
    test(`structure: ${c.name}`, () => {
      const error = structureError(c.page, 'X');
      if (c.error) assert.match(error ?? '', c.error);
      else assert.equal(error, undefined);
    });

  test('descriptions: the fixed lines, the link and the name substituted', () => {
    const good =
      '# X\n\n<HideInUI>\n\nThis page contains the setup guide and reference information for the [X](https://x.example) source connector.\n\n</HideInUI>\n\n## Prerequisites\n';
    assert.deepEqual(descriptionErrors(good, 'X'), []);
    assert.equal(descriptionErrors(good.replace('setup guide', 'guide'), 'X').length, 1);
  });

  test('prerequisites: every required title, in any case', () => {
    const spec = { required: ['a', 'b'], properties: { a: { title: 'App ID' }, b: { title: 'Start Date' } } };
    assert.deepEqual(missingPrerequisites('## Prerequisites\n\n- the app id\n\n## Setup guide\n\nStart date\n', spec), [
      'start date',
    ]);
  });
});

describe("the user page follows Airbyte's source-doc template", () => {
  const read = (path: string): string => readFileSync(join(REPO_ROOT, path), 'utf8');
  const metadata = (parseYaml(read('metadata.yaml')) as { data: { name: string; documentationUrl: string } }).data;
  const page = read(`docs/${metadata.documentationUrl.slice('https://docs.airbyte.com/'.length)}.md`);

  test('heading for heading (test_docs_structure)', () => {
    assert.equal(structureError(page, metadata.name), undefined);
  });

  test('the fixed text under the title, For Airbyte Cloud / Open Source and Supported sync modes (test_docs_descriptions)', () => {
    assert.deepEqual(descriptionErrors(page, metadata.name), []);
    for (const heading of ['For Airbyte Cloud:', 'For Airbyte Open Source:', `Set up ${metadata.name}`])
      assert.ok(linesUnder(page, heading), `the page has '${heading}'`);
  });

  test('Prerequisites name every required field by its spec title (test_prerequisites_content)', () => {
    const spec = (
      JSON.parse(read('spec/spec.json')) as { connectionSpecification: Parameters<typeof missingPrerequisites>[1] }
    ).connectionSpecification;
    assert.deepEqual(spec.required.length >= 4, true);
    assert.deepEqual(missingPrerequisites(page, spec), []);
  });
});
