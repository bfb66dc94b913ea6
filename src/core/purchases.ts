// A stream of keyed JSON purchases like the sales simulator of the Docker workshop. Pure and
// seeded, so a test can tell exactly what was sent.

const PRODUCTS: [string, number][] = [
  ['CS01', 4.99],
  ['CS02', 4.99],
  ['CS03', 4.99],
  ['CS04', 4.99],
  ['IS01', 5.49],
  ['IS02', 5.49],
  ['IS03', 5.49],
  ['SC01', 5.99],
  ['SC02', 5.99],
  ['SC03', 5.99],
  ['SC04', 5.99],
  ['SC05', 5.99],
  ['SF01', 5.99],
  ['SF02', 5.99],
  ['SF03', 5.99],
  ['SF04', 5.99],
  ['SF05', 5.99],
  ['SF06', 5.99],
  ['SF07', 5.99],
  ['SF08', 5.99],
];

export interface Purchase {
  transaction_time: string;
  transaction_id: string;
  product_id: string;
  price: number;
  quantity: number;
  is_member: boolean;
  member_discount: number;
  add_supplements: boolean;
  supplement_price: number;
  total_purchase: number;
}

/** mulberry32: small, fast and good enough for made-up sales. */
export function randomSource(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function purchase(random: () => number, at: Date): { key: string; value: Purchase } {
  const [product, price] = PRODUCTS[Math.floor(random() * PRODUCTS.length)]!;
  const quantity = 1 + Math.floor(random() * 3);
  const isMember = random() < 0.3;
  const discount = isMember ? 0.1 : 0;
  const supplements = random() < 0.4;
  const supplementPrice = supplements ? 1.99 : 0;
  const total = Math.round((price + supplementPrice) * quantity * (1 - discount) * 100) / 100;
  const id = `${Math.floor(random() * 9e9) + 1e9}${Math.floor(random() * 9e8) + 1e8}`;
  return {
    key: product,
    value: {
      transaction_time: at.toISOString().replace('T', ' ').replace('Z', ''),
      transaction_id: id,
      product_id: product,
      price,
      quantity,
      is_member: isMember,
      member_discount: discount,
      add_supplements: supplements,
      supplement_price: supplementPrice,
      total_purchase: total,
    },
  };
}
