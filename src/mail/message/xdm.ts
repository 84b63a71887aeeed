// Facts about an IHE_XDM.ZIP attachment (IHE ITI XDM zipped for e-mail, requirements.md §2.6): which CDA
// documents it holds, their type code (ClinicalDocument/code/@code → X-MSS-CODECDA) and whether the patient
// is identified by an INS (recordTarget/patientRole/id with an INS OID → X-MSS-INS = O).
import { XMLParser } from 'fast-xml-parser';
import { unzipSync } from 'fflate';

/** INS-NIR, INS-NIA and their test variants (CI-SIS). */
export const INS_OIDS: ReadonlySet<string> = new Set([
  '1.2.250.1.213.1.4.8',
  '1.2.250.1.213.1.4.9',
  '1.2.250.1.213.1.4.10',
  '1.2.250.1.213.1.4.11',
]);

export interface CdaFacts {
  /** Path inside the archive, e.g. IHE_XDM/SUBSET01/DOC0001.XML. */
  path: string;
  code: string | null;
  codeSystem: string | null;
  displayName: string | null;
  /** ClinicalDocument/title. */
  title: string | null;
  patientIds: { root: string; extension: string | null }[];
  /** The patient carries an INS identifier. */
  hasIns: boolean;
}

export interface XdmFacts {
  entries: string[];
  metadata: boolean;
  documents: CdaFacts[];
  /** Why the archive could not be read, when it could not. */
  error: string | null;
}

const MAX_ENTRIES = 200;
const MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  removeNSPrefix: true,
  processEntities: false,
  parseTagValue: false,
});

export function xdmFacts(zip: Uint8Array): XdmFacts {
  let files: Record<string, Uint8Array>;
  const entries: string[] = [];
  try {
    let total = 0;
    // The filter sees every entry's declared size first: archives that would inflate too far are refused.
    files = unzipSync(zip, {
      filter: (file) => {
        entries.push(file.name);
        total += file.originalSize;
        if (entries.length > MAX_ENTRIES || total > MAX_UNCOMPRESSED_BYTES) throw new Error('archive too large');
        return /\.xml$/i.test(file.name);
      },
    });
  } catch (error) {
    return { entries, metadata: false, documents: [], error: (error as Error).message };
  }
  const documents: CdaFacts[] = [];
  let metadata = false;
  for (const [path, bytes] of Object.entries(files)) {
    if (/(^|\/)METADATA\.XML$/i.test(path)) {
      metadata = true;
      continue;
    }
    const cda = cdaFacts(path, Buffer.from(bytes).toString('utf8'));
    if (cda) documents.push(cda);
  }
  documents.sort((a, b) => a.path.localeCompare(b.path));
  return { entries, metadata, documents, error: null };
}

/** Reads a CDA R2 header; undefined when the XML is not a ClinicalDocument. */
export function cdaFacts(path: string, xml: string): CdaFacts | undefined {
  let doc: Record<string, any>;
  try {
    doc = parser.parse(xml) as Record<string, any>;
  } catch {
    return undefined;
  }
  const clinical = doc.ClinicalDocument;
  if (!clinical || typeof clinical !== 'object') return undefined;
  const code = first(clinical.code);
  const patientRole = first(first(clinical.recordTarget)?.patientRole);
  const patientIds = list(patientRole?.id)
    .filter(
      (id): id is { root: string; extension?: string } =>
        typeof id === 'object' && id !== null && typeof (id as { root?: unknown }).root === 'string',
    )
    .map((id) => ({ root: id.root, extension: id.extension ?? null }));
  return {
    path,
    code: code?.code ?? null,
    codeSystem: code?.codeSystem ?? null,
    displayName: code?.displayName ?? null,
    title: textOf(list(clinical.title)[0]),
    patientIds,
    hasIns: patientIds.some((id) => INS_OIDS.has(id.root)),
  };
}

/**
 * An element's text (the parser gives a string, or an object with #text when the element has attributes),
 * with XML's predefined and numeric references resolved (the parser leaves entities alone on purpose).
 */
function textOf(value: unknown): string | null {
  const text = typeof value === 'string' ? value : (value as { '#text'?: unknown } | undefined)?.['#text'];
  if (typeof text !== 'string' || !text.trim()) return null;
  const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
  return text.trim().replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|lt|gt|amp|quot|apos);/gi, (whole, ref: string) => {
    if (!ref.startsWith('#')) return named[ref.toLowerCase()] ?? whole;
    const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

function list(value: unknown): unknown[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function first(value: unknown): Record<string, any> | undefined {
  const item = list(value)[0];
  return typeof item === 'object' && item !== null ? (item as Record<string, any>) : undefined;
}
