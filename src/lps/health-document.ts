// Health documents the reference LPS attaches: a minimal CDA R2 header (CI-SIS structure) packed in an
// IHE_XDM.ZIP (INDEX.HTM, README.TXT, IHE_XDM/SUBSET01/METADATA.XML and the documents), as MSSanté senders do.
import { strToU8, zipSync } from 'fflate';
import { escapeHtml } from '../web/html.ts';

export interface TestDocument {
  /** LOINC type code, e.g. 11488-4 (compte rendu de consultation). */
  code: string;
  displayName: string;
  /** INS matricule of a qualified identity (15 digits); absent: only a local patient id. */
  ins?: string;
}

const TEST_INS_NIR_OID = '1.2.250.1.213.1.4.10';
const LOCAL_ID_ROOT = '1.2.250.1.999.1.1.1';
const TEST_PATIENT =
  '<patient><name><family qualifier="BR">TEST</family><given>PATIENT</given></name>' +
  '<administrativeGenderCode code="F" codeSystem="2.16.840.1.113883.5.1"/><birthTime value="19800101"/></patient>';

export function cdaDocument(doc: TestDocument, index: number): string {
  const patientId = doc.ins
    ? `<id root="${TEST_INS_NIR_OID}" extension="${escapeHtml(doc.ins)}"/>`
    : `<id root="${LOCAL_ID_ROOT}" extension="IPP-${index}"/>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<ClinicalDocument xmlns="urn:hl7-org:v3">
  <realmCode code="FR"/>
  <typeId root="2.16.840.1.113883.1.3" extension="POCD_HD000040"/>
  <id root="1.2.250.1.999.2.${index}"/>
  <code code="${escapeHtml(doc.code)}" codeSystem="2.16.840.1.113883.6.1" displayName="${escapeHtml(doc.displayName)}"/>
  <title>${escapeHtml(doc.displayName)} (document de test motco)</title>
  <effectiveTime value="20261128120000+0100"/>
  <confidentialityCode code="N" codeSystem="2.16.840.1.113883.5.25"/>
  <languageCode code="fr-FR"/>
  <recordTarget>
    <patientRole>
      ${patientId}
      ${TEST_PATIENT}
    </patientRole>
  </recordTarget>
</ClinicalDocument>
`;
}

/** An IHE_XDM.ZIP holding the documents in one submission set. */
export function xdmArchive(documents: TestDocument[]): Uint8Array {
  const files: Record<string, Uint8Array> = {
    'INDEX.HTM': strToU8('<html><body><p>Documents de test motco</p></body></html>'),
    'README.TXT': strToU8('Archive IHE XDM de test produite par le LPS de reference motco.\r\n'),
    'IHE_XDM/SUBSET01/METADATA.XML': strToU8(
      '<?xml version="1.0" encoding="UTF-8"?>' +
        '<SubmitObjectsRequest xmlns="urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0"/>',
    ),
  };
  documents.forEach((doc, i) => {
    files[`IHE_XDM/SUBSET01/DOC${String(i + 1).padStart(4, '0')}.XML`] = strToU8(cdaDocument(doc, i + 1));
  });
  return zipSync(files, { level: 6 });
}
