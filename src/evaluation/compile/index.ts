export { type CompiledEvaluator, type CompileOptions, compileEvaluator } from './evaluator.js';
