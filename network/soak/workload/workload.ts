import type { WriteRecord } from '../writers';

/** One kind of write in the soak's mix: it makes the write of a slot, retrying it until a definite answer. */
export interface Workload {
  name: string;
  /**
   * Makes slot `slot`'s write (ids follow from the slot) until a definite answer or `giveUpAt`; resolves with one
   * record per step (an application and its pre-review are two).
   */
  write(slot: number, giveUpAt: () => number): Promise<WriteRecord[]>;
  /** Lets go of connections (MQTT). */
  close?(): Promise<void>;
}
