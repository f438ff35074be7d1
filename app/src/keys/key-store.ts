import type { CryptoKey, KeyHolder } from '@luohu/client';

/**
 * The keys people hold on this device: in the browser's IndexedDB, as WebCrypto keys made non-extractable (the page
 * can sign with them; no script, the page's included, can read them out), with the certificate their bureau's CA issued.
 */
const DB = 'luohu-keys';
const STORE = 'holders';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'username' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function run<T>(mode: IDBTransactionMode, act: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const request = act(db.transaction(STORE, mode).objectStore(STORE));
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  } finally {
    db.close();
  }
}

/** The key holder of `username` kept on this device, if any. */
export function heldKey(username: string): Promise<KeyHolder | undefined> {
  return run('readonly', (store) => store.get(username) as IDBRequest<KeyHolder | undefined>);
}

/** Keeps an enrolled key holder on this device (the private key stays a non-extractable CryptoKey). */
export async function keepKey(holder: KeyHolder & { privateKey: CryptoKey }): Promise<void> {
  await run('readwrite', (store) => store.put(holder));
}

/** Forgets a key on this device (a lost or replaced key: the admin issues a new code). */
export async function forgetKey(username: string): Promise<void> {
  await run('readwrite', (store) => store.delete(username));
}
