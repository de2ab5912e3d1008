/**
 * Stand-ins for the booth's devices: payment terminal, camera, image renderer and
 * dye-sublimation printer. Each takes about as long as the real one and fails about
 * as often, so the timings and errors the SDK records look like a real kiosk's.
 */
const wait = (ms: number) => new Promise<void>((resolve) => window.setTimeout(resolve, ms));
const between = (lo: number, hi: number) => lo + Math.random() * (hi - lo);

/** The card issuer said no; the customer may try again or pay another way. */
export class PaymentDeclinedError extends Error {
  override name = 'PaymentDeclinedError';
}

export type PaymentMethod = 'card' | 'mobile';

export interface Hardware {
  /** Charges `amount`: a card takes 2–5 s at the terminal, a phone 1.5–3.5 s; 4 % are declined. */
  charge(amount: number, method: PaymentMethod): Promise<void>;
  /** Autofocus, exposure and shutter: 150–450 ms. */
  shutter(): Promise<void>;
  /** Transfers the shot from the camera and writes it: 300–900 ms. */
  save(): Promise<void>;
  /** Applies a filter and lays the shots into the frame: 0.4–1.2 s, plus 150 ms a shot. */
  render(shots: number): Promise<void>;
  /**
   * Prints `sheets` sheets (two prints each), 6–9 s a sheet, calling `onSheet` after
   * each. A job jams with probability `jamRate`, part-way through a sheet.
   */
  print(sheets: number, onSheet: (done: number) => void): Promise<void>;
}

export function createHardware(jamRate: number): Hardware {
  return {
    async charge(amount, method) {
      await wait(method === 'card' ? between(2_000, 5_000) : between(1_500, 3_500));
      if (Math.random() < 0.04) throw new PaymentDeclinedError(`Payment of ${amount} declined`);
    },
    shutter: () => wait(between(150, 450)),
    save: () => wait(between(300, 900)),
    render: (shots) => wait(between(400, 1_200) + 150 * shots),
    async print(sheets, onSheet) {
      const jamAt = Math.random() < jamRate ? Math.random() * sheets : Infinity;
      for (let sheet = 0; sheet < sheets; sheet++) {
        const ms = between(6_000, 9_000);
        if (jamAt < sheet + 1) {
          await wait(ms * (jamAt - sheet));
          throw new Error('Printer paper jam');
        }
        await wait(ms);
        onSheet(sheet + 1);
      }
    },
  };
}
