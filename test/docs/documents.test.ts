import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = join(__dirname, '..', '..');
const documents = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** The text of a Markdown document outside fenced code blocks and inline code, where links are links. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '``');
}

/** GitHub's anchor for each heading: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  const withoutCode = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const [, heading] of withoutCode.matchAll(/^#{1,6}\s+(.*?)\s*#*\s*$/gm)) {
    const slug = (heading ?? '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    result.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return result;
}

/** Every inline link and image target of a document that is not a URL: `[text](target)`. */
function relativeLinks(markdown: string): string[] {
  return [...prose(markdown).matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)]
    .map(([, target]) => target ?? '')
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

describe('the documentation', () => {
  it('keeps the README, the front door, under 30,000 bytes', () => {
    // Act
    const size = statSync(join(root, 'README.md')).size;

    // Assess
    expect(size).toBeLessThan(30_000);
  });

  it.each(documents)('%s links only to files and headings that exist', (document) => {
    // Prepare
    const text = readFileSync(join(root, document), 'utf8');
    const broken: string[] = [];

    // Act
    for (const link of relativeLinks(text)) {
      const [path = '', anchor] = link.split('#', 2);
      const target = path === '' ? join(root, document) : resolve(root, dirname(document), decodeURI(path));
      if (!existsSync(target) || relative(root, target).startsWith('..')) {
        broken.push(`${link}: no such file in the repository`);
      } else if (anchor !== undefined && target.endsWith('.md') && !anchors(readFileSync(target, 'utf8')).has(anchor)) {
        broken.push(`${link}: no heading with that anchor in ${relative(root, target)}`);
      }
    }

    // Assess
    expect(broken).toEqual([]);
  });

  it('links every document in docs/ from the README', () => {
    // Prepare
    const linked = new Set(
      relativeLinks(readFileSync(join(root, 'README.md'), 'utf8')).map((link) => link.split('#')[0]),
    );

    // Act
    const unlinked = documents.filter((document) => document.startsWith('docs/') && !linked.has(document));

    // Assess
    expect(unlinked).toEqual([]);
  });

  it('derives anchors as GitHub does', () => {
    // Act / Assess
    expect([
      ...anchors('# After `ROLLBACK_FAILED`\n## Context keys (`cdk.json` → `context`)\n## Notes\n## Notes\n'),
    ]).toEqual(['after-rollback_failed', 'context-keys-cdkjson--context', 'notes', 'notes-1']);
  });
});
