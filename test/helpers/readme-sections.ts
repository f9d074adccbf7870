/** README parts between `<!-- name:start -->` and `<!-- name:end -->` are generated. */
export function generatedSection(readme: string, name: string): string | undefined {
  const match = new RegExp(`<!-- ${name}:start -->\\n([\\s\\S]*?)\\n<!-- ${name}:end -->`).exec(
    readme,
  );
  return match?.[1];
}

export function replaceGeneratedSection(readme: string, name: string, content: string): string {
  const pattern = new RegExp(`(<!-- ${name}:start -->\\n)[\\s\\S]*?(\\n<!-- ${name}:end -->)`);
  if (!pattern.test(readme)) throw new Error(`README.md has no ${name} section`);
  return readme.replace(pattern, (_all, start: string, end: string) => `${start}${content}${end}`);
}
