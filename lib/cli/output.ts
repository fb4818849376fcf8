/** Writes `value` as indented JSON through `ctx.out`. Kept apart from context.ts so offline commands load no SDK. */
export function writeJson(ctx: { readonly out: (text: string) => void }, value: unknown): void {
  ctx.out(`${JSON.stringify(value, null, 2)}\n`);
}
