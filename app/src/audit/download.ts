import { sessionToken } from '../api/client';

/** Downloads an API answer as a file on this device (the request carries the session, so a plain link cannot). */
export async function downloadFile(path: string, filename: string): Promise<void> {
  const token = sessionToken();
  const res = await fetch(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
  const url = URL.createObjectURL(await res.blob());
  const link = Object.assign(document.createElement('a'), { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
