/**
 * Parts of README.md and docs/*.md between `<!-- name:start -->` and `<!-- name:end -->` are
 * generated (`npm run readme`).
 */
function sectionPattern(name: string): RegExp {
  return new RegExp(`<!-- ${name}:start -->\\n([\\s\\S]*?)\\n?<!-- ${name}:end -->`);
}

export function generatedSection(markdown: string, name: string): string | undefined {
  return sectionPattern(name).exec(markdown)?.[1];
}

export function replaceGeneratedSection(markdown: string, name: string, content: string): string {
  const pattern = sectionPattern(name);
  if (!pattern.test(markdown)) throw new Error(`the document has no ${name} section`);
  return markdown.replace(
    pattern,
    () => `<!-- ${name}:start -->\n${content}\n<!-- ${name}:end -->`,
  );
}
