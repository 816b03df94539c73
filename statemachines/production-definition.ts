import path from 'node:path';

/**
 * The workflow definitions (production and episode) and the helpers that read them, shared
 * by the CDK stack, the local runner and the tests, so all three see the same states.
 */
export const DEFINITION_FILE = path.join(import.meta.dirname, 'production.asl.json');

export const EPISODE_DEFINITION_FILE = path.join(import.meta.dirname, 'episode.asl.json');

export const WAIT_FOR_TASK_TOKEN_SQS = 'arn:aws:states:::sqs:sendMessage.waitForTaskToken';
/** Invokes a function with the Task's token in its payload, then waits for SendTaskSuccess/Failure on it. */
export const WAIT_FOR_TASK_TOKEN_LAMBDA = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
/** Starts a child execution and waits for it, its output parsed as JSON (the `:2` form). */
export const START_CHILD_EXECUTION_SYNC = 'arn:aws:states:::states:startExecution.sync:2';
/** The definitionSubstitution the production workflow names the episode state machine by. */
export const EPISODE_STATE_MACHINE_SUBSTITUTION = 'EpisodeStateMachineArn';

export type StateDefinition = Record<string, unknown> & { Type: string; Resource?: string };
export type Definition = { States: Record<string, StateDefinition> } & Record<string, unknown>;

/** The checked-in file's exact text: what `npm run asl` writes and what the checks compare against. */
export const renderStateMachine = (definition: Definition): string => `${JSON.stringify(definition, null, 2)}\n`;

/** Applies definitionSubstitutions exactly as Step Functions does: `${Name}` inside string values. */
export function substituteDefinition(text: string, substitutions: Record<string, string>): Definition {
  const substituted = text.replace(/\$\{([A-Za-z0-9_]+)\}/g, (_match, name: string) => {
    const value = substitutions[name];
    if (value === undefined) throw new Error(`the state machine uses \${${name}} but no substitution was given for it`);
    return value;
  });
  return JSON.parse(substituted) as Definition;
}

/** Every state, at any depth (Map item processors, Parallel branches), with its name. */
export function allStates(definition: {
  States: Record<string, StateDefinition>;
}): { name: string; state: StateDefinition }[] {
  const found: { name: string; state: StateDefinition }[] = [];
  const visit = (states: Record<string, StateDefinition>) => {
    for (const [name, state] of Object.entries(states)) {
      found.push({ name, state });
      const processor = (state.ItemProcessor ?? state.Iterator) as
        | { States: Record<string, StateDefinition> }
        | undefined;
      if (processor) visit(processor.States);
      for (const branch of (state.Branches as { States: Record<string, StateDefinition> }[] | undefined) ?? [])
        visit(branch.States);
    }
  };
  visit(definition.States);
  return found;
}

/**
 * The definition with each Lambda Task timing out with the function it calls: `timeouts` maps a
 * function's `${...}` substitution to its timeout in the environment, which may differ from the
 * descriptor's the file was generated with (lib/config/environments.ts functionSizing).
 */
export function withFunctionTimeouts(definition: Definition, timeouts: ReadonlyMap<string, number>): Definition {
  const moved = structuredClone(definition);
  for (const { state } of taskStates(moved)) {
    const substitution = /^\$\{([A-Za-z0-9_]+)\}$/.exec(state.Resource ?? '')?.[1];
    const timeout = substitution === undefined ? undefined : timeouts.get(substitution);
    if (timeout !== undefined && state.TimeoutSeconds !== undefined) state.TimeoutSeconds = timeout;
  }
  return moved;
}

/** Every Task state, at any depth, with its name. */
export function taskStates(definition: {
  States: Record<string, StateDefinition>;
}): { name: string; state: StateDefinition }[] {
  return allStates(definition).filter(({ state }) => state.Type === 'Task');
}

/**
 * The ASL features aws-local-stepfunctions ignores or runs differently from AWS.
 * A definition that uses any of them would behave one way locally and another in
 * the cloud, so the local runner refuses it (local/runtime/workflow-runner.ts loadDefinition).
 */
export function constructsTheLocalEngineIgnores(definitionText: string): string[] {
  const problems: string[] = [];
  const walk = (node: unknown, path: string) => {
    if (Array.isArray(node)) {
      for (const [index, child] of node.entries()) walk(child, `${path}[${index}]`);
      return;
    }
    if (!node || typeof node !== 'object') {
      if (typeof node === 'string' && /^\{%.*%\}$/s.test(node)) problems.push(`${path}: JSONata expression`);
      return;
    }
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      const at = path ? `${path}.${key}` : key;
      if (key === 'QueryLanguage' && value === 'JSONata') problems.push(`${at}: JSONata`);
      if (key === 'Assign') problems.push(`${at}: Assign (variables)`);
      if (key === 'Mode' && value === 'DISTRIBUTED') problems.push(`${at}: Distributed Map`);
      if (key === 'ItemReader' || key === 'ResultWriter' || key === 'ItemBatcher')
        problems.push(`${at}: ${key} (Distributed Map)`);
      if (key === 'Arguments' || key === 'Output') problems.push(`${at}: ${key} (JSONata field)`);
      walk(value, at);
    }
  };
  walk(JSON.parse(definitionText), '');
  return problems;
}
