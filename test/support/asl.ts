import validateAsl from 'asl-validator';

/**
 * The asl-validator findings of a definition, `''` when it is valid. `${...}` placeholders (DefinitionSubstitutions)
 * become Lambda function ARNs first, as Step Functions substitutes them before validating.
 */
export function aslErrors(definition: unknown): string {
  const substituted = JSON.parse(
    JSON.stringify(definition).replaceAll(/\$\{(\w+)\}/g, 'arn:aws:lambda:eu-west-1:123456789012:function:$1'),
  );
  return validateAsl(substituted).errorsText();
}
