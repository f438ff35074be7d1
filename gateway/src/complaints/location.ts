/**
 * The ledger keeps only a coarse place (district / street / community names, no digits — the chaincode refuses
 * digits so that house numbers and phone numbers never reach it). The exact address and coordinates stay off-chain.
 */
export const DEFAULT_PLACE = '罗湖区';

const PLACE = /[\p{Script=Han}]{1,8}?(?:街道|社区|区)/gu;

/** A coarse, public form of a complaint's address (the street, no house number) for the ledger and the map. */
export function coarseLocation(address: string | undefined): string {
  if (!address) return DEFAULT_PLACE;
  // Only what comes before the first digit can be a place name; house numbers, rooms and phones follow it.
  const head = address.split(/[\p{N}]/u)[0];
  const names = [...head.matchAll(PLACE)].map((m) => m[0]).filter((n) => !n.endsWith('小区') && !n.endsWith('园区'));
  const place = [...new Set(names)].join(' ').slice(0, 50).trim();
  return place.length >= 2 ? place : DEFAULT_PLACE;
}
