/**
 * Who applies, and with which files: the applicant's company comes from its certificate (CA attribute `company`, the
 * company's registry id, fixed when its bureau admin registered the user), and every file an application names must
 * have been anchored for that company when one of its users uploaded it.
 */
import { Context } from 'fabric-contract-api';
import { Caller } from '../shared/access';
import { getRecord } from '../shared/ledger';
import { Input } from '../shared/validate';
import { Actor } from '../registry/registry';
import { ProjectFile } from './approval';
import { refuse } from '../shared/refusal';

export const APPLICATION_FILE = 'applicationFile';

/** An uploaded file, anchored for the uploader's company: its hash may then appear in that company's applications. */
export interface ApplicationFile {
  docType: 'applicationFile';
  company: string;
  sha256: string;
  size: number;
  contentType: string;
  uploadedBy: Actor;
  anchoredAt: string;
}

/** The caller's company from its certificate; a contractor or owner user without one acts for nobody. */
export function companyOf(ctx: Context, caller: Caller): string {
  const company = ctx.clientIdentity.getAttributeValue('company');
  if (!company) {
    throw refuse(
      'forbidden',
      `access denied: ${caller.role ?? '(no role)'} ${caller.id} has no company attribute in its certificate`,
    );
  }
  return company;
}

/** A body may name the contractor only to repeat the certificate's company; another company's id is refused. */
export function requireOwnCompany(company: string, named: string | undefined): string {
  if (named !== undefined && named !== company) {
    throw refuse('forbidden', `access denied: a user of company ${company} cannot act for contractor ${named}`);
  }
  return company;
}

/** An uploaded file's JSON argument checked: its SHA-256, size and content type, nothing else. */
export function parseApplicationFile(json: string): Pick<ApplicationFile, 'sha256' | 'size' | 'contentType'> {
  const input = Input.parse('file', json);
  const value = {
    sha256: input.hex64('sha256'),
    size: input.int('size', 1),
    contentType: input.text('contentType', 255),
  };
  input.done();
  return value;
}

/** Refuses a file whose hash was never anchored for the company (never uploaded, or uploaded by another company). */
export async function requireAnchoredFiles(
  ctx: Context,
  company: string,
  files: readonly ProjectFile[],
): Promise<void> {
  for (const f of files) {
    if (!(await getRecord<ApplicationFile>(ctx, APPLICATION_FILE, [company, f.sha256]))) {
      throw refuse(
        'invalid_request',
        `files.${f.kind}.sha256 must be a file uploaded by company ${company}: ${f.sha256} was never uploaded by it`,
      );
    }
  }
}
