/** An EventBridge target's input transformer, as CloudFormation holds it. */
export interface InputTransformer {
  InputPathsMap: Record<string, string>;
  InputTemplate: string;
}

/** The value at a simple JSONPath (`$.detail.tenantId`) of `event`. */
function valueAt(event: unknown, path: string): unknown {
  return path
    .split('.')
    .slice(1)
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], event);
}

/**
 * What EventBridge delivers to the target for `event`: each `<name>` of the template replaced by the value at its
 * path, strings inserted as JSON strings (the placeholders stand unquoted in value positions), then parsed.
 *
 * @example
 * ```ts
 * renderInput({ InputPathsMap: { id: '$.detail.eventId' }, InputTemplate: '{"requestId": <id>}' }, event);
 * // { requestId: 'inv-2026-000123' }
 * ```
 */
export function renderInput(transformer: InputTransformer, event: unknown): unknown {
  const rendered = transformer.InputTemplate.replace(/<([A-Za-z0-9_.-]+)>/g, (_match, name: string) => {
    const path = transformer.InputPathsMap[name];
    if (path === undefined) throw new Error(`input template names <${name}>, which InputPathsMap does not map`);
    return JSON.stringify(valueAt(event, path));
  });
  return JSON.parse(rendered);
}
