/** A promise the code under test settles when something happens, for a test to await instead of polling or sleeping. */
export function signal(): { happened: Promise<void>; fire: () => void } {
  let fire!: () => void;
  const happened = new Promise<void>((resolve) => {
    fire = resolve;
  });
  return { happened, fire };
}
