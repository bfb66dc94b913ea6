// The values a lab's {{...}} templates take for one stack: its container names and addresses.
import type { TemplateContext } from './lab.js';
import { internalBootstrap } from './listeners.js';
import { bootstrapServers, stackFlag, type StackSpec } from './stack.js';

export function templatesOf(spec: StackSpec): TemplateContext {
  return {
    containers: Object.fromEntries(spec.services.map((s) => [s.service, s.containerName])),
    bootstrap: bootstrapServers(spec),
    internalBootstrap: internalBootstrap(spec),
    network: spec.network,
    stackFlag: stackFlag(spec.stack),
  };
}
