/** The Lambda execution sandbox: child processes running Node.js functions, and their pool. */
export {
  ExecutionEnvironment,
  bootstrapPath,
  type EnvironmentSpec,
  type LogLine,
  type SandboxInvokeRequest,
  type SandboxInvokeResult,
} from './environment';
export { EnvironmentPool, type EnvironmentPoolOptions } from './pool';
export { linkRuntimeModules, runtimeModulesDir } from './modules';
export { MAX_SYNC_RESPONSE_BYTES, type LambdaErrorPayload } from './errors';
export { runtimeVersion, runtimeVersionArn, type LambdaNodeRuntime } from './report';
