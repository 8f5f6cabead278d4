// The reference JMESPath implementation ships no types; this is the part the CLI uses.
declare module 'jmespath' {
  const jmespath: {
    search(data: unknown, expression: string): unknown;
    compile(expression: string): unknown;
  };
  export default jmespath;
}
