/**
 * The Node.js major every stage function runs on in AWS (`nodejs24.x`): the stack declares it, the
 * bundles target it, and the local runtime runs the handlers on it where its package is installed.
 */
export const FUNCTION_NODE_MAJOR = 24;
