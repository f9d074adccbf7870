export interface FlagTotals {
  yes: number;
  no: number;
  variants: Record<string, number>;
}

/** Sums the toggles of usage payloads (as SDKs send them or as Unleash receives them). */
export function sumUsage(payloads: readonly unknown[]): Record<string, FlagTotals> {
  const totals: Record<string, FlagTotals> = {};
  for (const payload of payloads) {
    const toggles = (payload as { bucket: { toggles: Record<string, Partial<FlagTotals>> } }).bucket
      .toggles;
    for (const [name, counts] of Object.entries(toggles)) {
      const total = totals[name] ?? { yes: 0, no: 0, variants: {} };
      totals[name] = total;
      total.yes += counts.yes ?? 0;
      total.no += counts.no ?? 0;
      for (const [variant, value] of Object.entries(counts.variants ?? {})) {
        total.variants[variant] = (total.variants[variant] ?? 0) + value;
      }
    }
  }
  return totals;
}
