/**
 * The complaints a citizen filed from this device: tracking number and receipt token, kept in this browser only (no
 * account: the token is what shows their own text and lets them rate the answer).
 */
export interface FiledComplaint {
  id: string;
  token: string;
  filedAt: string;
}

const KEY = 'luohu.complaints';

/** The complaints filed from this device, newest first. */
export function myComplaints(): FiledComplaint[] {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? '[]') as FiledComplaint[];
  } catch {
    return [];
  }
}

/** Remembers a filed complaint on this device. */
export function rememberComplaint(filed: FiledComplaint): void {
  localStorage.setItem(KEY, JSON.stringify([filed, ...myComplaints().filter((c) => c.id !== filed.id)]));
}

/** The receipt token kept for a complaint, if it was filed here. */
export function tokenOf(id: string): string | undefined {
  return myComplaints().find((c) => c.id === id)?.token;
}
