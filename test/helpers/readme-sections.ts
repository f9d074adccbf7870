/** README parts between `<!-- name:start -->` and `<!-- name:end -->` are generated. */
function sectionPattern(name: string): RegExp {
  return new RegExp(`<!-- ${name}:start -->\\n([\\s\\S]*?)\\n?<!-- ${name}:end -->`);
}

export function generatedSection(readme: string, name: string): string | undefined {
  return sectionPattern(name).exec(readme)?.[1];
}

export function replaceGeneratedSection(readme: string, name: string, content: string): string {
  const pattern = sectionPattern(name);
  if (!pattern.test(readme)) throw new Error(`README.md has no ${name} section`);
  return readme.replace(pattern, () => `<!-- ${name}:start -->\n${content}\n<!-- ${name}:end -->`);
}
