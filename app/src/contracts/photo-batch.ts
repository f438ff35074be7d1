import { sha256Of } from '../files/sha256';

/** A photo as the inspector's device hashed it: its name, size and SHA-256 (hex). */
export interface HashedPhoto {
  name: string;
  size: number;
  sha256: string;
}

/**
 * Hashes photos one after another on this device (the photos never leave it: only their hashes are anchored), telling
 * `onProgress` how many are done.
 */
export async function hashPhotos(files: File[], onProgress: (done: number) => void): Promise<HashedPhoto[]> {
  const hashed: HashedPhoto[] = [];
  for (const file of files) {
    hashed.push({
      name: file.name,
      size: file.size,
      sha256: await sha256Of(file),
    });
    onProgress(hashed.length);
  }
  return hashed;
}

/**
 * The batch's ID: the milestone's, and a digest of the photos' hashes in order, so choosing the same photos again
 * (after an error, on another visit) names the same batch instead of anchoring a second copy.
 */
export async function photoBatchId(contractId: string, milestoneId: string, photos: HashedPhoto[]): Promise<string> {
  const digest = await sha256Of(new Blob([photos.map((p) => p.sha256).join('')]));
  return `PH-${contractId}-${milestoneId}-${digest.slice(0, 16)}`.slice(0, 128);
}
