import { type BoundPorts, PROVIDER_PORTS, type ProviderPort } from '../core/contracts/bound-providers.js';
import { ProviderPortNotDeclared } from '../core/contracts/errors.js';

/**
 * The ports a stage declared, with every other port refusing to be read. The types already keep a
 * stage to its ports; this holds code that reaches past them (a cast, a shared helper typed loosely)
 * to the same rule at run time, where an optional port (lip-sync, transcription) read as absent
 * would otherwise be skipped without a word.
 */
export function refusingUndeclaredPorts<Ports extends ProviderPort>(
  bound: BoundPorts<Ports>,
  declared: readonly Ports[],
): BoundPorts<Ports> {
  const guarded = { ...bound };
  for (const port of PROVIDER_PORTS) {
    if ((declared as readonly ProviderPort[]).includes(port)) continue;
    Object.defineProperty(guarded, port, {
      get() {
        throw new ProviderPortNotDeclared(
          `this stage reached the "${port}" provider port, which its handler did not declare (it declared ${declared.join(', ')})`,
        );
      },
    });
  }
  return guarded;
}
