import { CONTEXT, is, octets, oid, readDer, TAG, UNIVERSAL } from './der';

/** Fabric CA's attribute extension: `{"attrs":{"role":…,"dept":…,"company":…}}`, what the chaincode's `getAttributeValue` reads. */
const FABRIC_ATTRS_OID = '1.2.3.4.5.6.7.8.1';

/** The Fabric CA attributes of a DER certificate ({} when it has none). */
export function certificateAttributes(der: Buffer): Record<string, string> {
  const tbs = readDer(der).children[0];
  const extensions = tbs.children.find((c) => is(c, CONTEXT, 3))?.children[0];
  for (const ext of extensions?.children ?? []) {
    if (!is(ext.children[0], UNIVERSAL, TAG.oid) || oid(der, ext.children[0]) !== FABRIC_ATTRS_OID) continue;
    const value = ext.children[ext.children.length - 1];
    if (!is(value, UNIVERSAL, TAG.octetString)) break;
    const parsed = JSON.parse(octets(der, value).toString('utf8')) as { attrs?: Record<string, unknown> };
    return Object.fromEntries(Object.entries(parsed.attrs ?? {}).filter(([, v]) => typeof v === 'string')) as Record<
      string,
      string
    >;
  }
  return {};
}
