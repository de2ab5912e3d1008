/**
 * What the booth sells: frames, print counts and finishes, with prices in KRW
 * (VAT included, as Korean retail prices are).
 */
export interface Frame {
  id: string;
  name: string;
  /** Photos taken for one print. */
  shots: number;
  /** Price of the first two prints. */
  price: number;
  /** CSS background of the preview card. */
  look: string;
}

export const FRAMES: readonly Frame[] = [
  { id: 'strip', name: 'Four-cut strip', shots: 4, price: 4_000, look: 'linear-gradient(#fafafa 0 22%, #222 22% 24%, #fafafa 24% 46%, #222 46% 48%, #fafafa 48% 70%, #222 70% 72%, #fafafa 72%)' },
  { id: 'classic', name: 'Classic 4×6', shots: 1, price: 4_000, look: 'linear-gradient(135deg, #f6d365, #fda085)' },
  { id: 'polaroid', name: 'Instant', shots: 1, price: 5_000, look: 'linear-gradient(#fff 0 8%, #8ec5fc 8% 78%, #fff 78%)' },
  { id: 'duo', name: 'Best friends', shots: 2, price: 5_000, look: 'linear-gradient(90deg, #a1c4fd 0 49%, #fff 49% 51%, #c2e9fb 51%)' },
  { id: 'birthday', name: 'Birthday', shots: 2, price: 6_000, look: 'radial-gradient(circle at 30% 30%, #ff9a9e, #fecfef 60%, #fff)' },
  { id: 'season', name: 'Cherry blossom', shots: 4, price: 6_000, look: 'radial-gradient(circle at 70% 20%, #ffc3d8, #fff0f5 55%, #d4fc79)' },
];

/** Print counts on offer: prints come in pairs from one sheet. */
export const PRINT_COUNTS = [2, 4, 6] as const;
/** Each extra pair of prints. */
export const EXTRA_PAIR_PRICE = 2_000;

export const FINISHES = ['glossy', 'matte'] as const;
export type Finish = (typeof FINISHES)[number];

export const FILTERS = ['original', 'mono', 'warm', 'vivid'] as const;
export type Filter = (typeof FILTERS)[number];

/** What the customer has chosen so far. */
export interface Order {
  frame?: Frame;
  prints: number;
  finish: Finish;
  filter: Filter;
  /** Shots taken so far. */
  shots: number;
  paid: boolean;
  /** Sheets printed so far (a jam stops a job part-way). */
  sheetsPrinted: number;
}

export const newOrder = (): Order => ({ prints: 2, finish: 'glossy', filter: 'original', shots: 0, paid: false, sheetsPrinted: 0 });

/** Amounts of a purchase record: VAT is 1/11 of a VAT-inclusive price. */
export function amounts(order: Order) {
  const gross = (order.frame?.price ?? 0) + ((order.prints - 2) / 2) * EXTRA_PAIR_PRICE;
  const discount = 0;
  const net = gross - discount;
  return { gross, discount, tax: Math.round(net / 11), net };
}

export const won = (n: number) => '₩' + n.toLocaleString('ko-KR');
