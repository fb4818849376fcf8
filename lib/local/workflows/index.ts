/**
 * The local platform's workflows: see runner.ts.
 *
 * @module
 */
export { type LocalWorkflows, startLocalWorkflows } from './runner';
