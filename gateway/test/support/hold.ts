/** Holds the projector at a chosen point until released; `reached` resolves once it is held there. */
export function hold() {
  let release!: () => void;
  let reached!: () => void;
  const released = new Promise<void>((r) => {
    release = r;
  });
  const held = new Promise<void>((r) => {
    reached = r;
  });
  return {
    release,
    held,
    wait: async () => {
      reached();
      await released;
    },
  };
}
