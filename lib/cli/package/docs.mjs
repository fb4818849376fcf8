// The documentation shipped inside the tenantctl package: the README and docs/*.md, so an operator who installed
// only tenantctl can read how to run it. Links into the platform's source (a schema, the tier catalog, fixtures)
// cannot resolve inside the package: they become plain text naming the file in the platform's repository, so no
// link in the package leads nowhere.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';

/** A Markdown inline link or image: `[text](target)`, target without spaces (as the docs write them). */
const LINK = /(!?)\[([^\]]*)\]\(([^)\s]+)\)/g;

/** True for a link that leaves the document set: a URL, a mail address or an in-page anchor are kept as they are. */
function isRelativeFileLink(target) {
  return !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith('#');
}

/**
 * `markdown` of the file at `file` (a path relative to the repository root, with `/`) with every relative link whose
 * file `shipped(path)` says is not in the package rewritten to text naming it.
 *
 * @example
 * packagedMarkdown('See [the rules](../lambdas/shared/tiers/rules.ts).', 'docs/tiers.md', () => false);
 * // "See the rules (`lambdas/shared/tiers/rules.ts` in the platform's repository)."
 * packagedMarkdown('[lambdas/x.ts](../lambdas/x.ts)', 'docs/a.md', () => false);
 * // "`lambdas/x.ts` (in the platform's repository)"
 */
function packagedMarkdown(markdown, file, shipped) {
  return markdown.replace(LINK, (whole, bang, text, target) => {
    if (bang || !isRelativeFileLink(target)) return whole;
    const [path] = target.split('#');
    const resolved = posix.normalize(posix.join(posix.dirname(file), path)).replace(/\/$/, '');
    if (shipped(resolved)) return whole;
    return text.replaceAll('`', '') === resolved
      ? `\`${resolved}\` (in the platform's repository)`
      : `${text} (\`${resolved}\` in the platform's repository)`;
  });
}

/** Copies the README and docs/*.md from `root` into `out`, links rewritten by {@link packagedMarkdown}. */
export function copyDocumentation(root, out) {
  const files = [
    'README.md',
    ...readdirSync(join(root, 'docs'))
      .filter((n) => n.endsWith('.md'))
      .map((n) => `docs/${n}`),
  ];
  const inPackage = new Set(files);
  const shipped = (path) => inPackage.has(path) || path === 'docs';
  for (const file of files) {
    const target = join(out, file);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, packagedMarkdown(readFileSync(join(root, file), 'utf8'), file, shipped));
  }
  return files;
}
