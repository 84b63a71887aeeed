import { zipSync, strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { xdmArchive } from '../../src/lps/health-document.ts';
import { cdaFacts, xdmFacts } from '../../src/mail/message/xdm.ts';

describe('IHE XDM facts', () => {
  it('reads the CDA codes and INS presence of every document in the archive', () => {
    const zip = xdmArchive([
      { code: '11488-4', displayName: 'Compte rendu de consultation', ins: '279035121518989' },
      { code: 'PRESC-BIO', displayName: 'Prescription de biologie' },
    ]);
    const facts = xdmFacts(zip);
    expect(facts.error).toBeNull();
    expect(facts.metadata).toBe(true);
    expect(facts.entries).toContain('IHE_XDM/SUBSET01/DOC0001.XML');
    expect(facts.documents.map((d) => [d.code, d.hasIns])).toEqual([
      ['11488-4', true],
      ['PRESC-BIO', false],
    ]);
    expect(facts.documents[0]!.patientIds).toEqual([{ root: '1.2.250.1.213.1.4.10', extension: '279035121518989' }]);
  });

  it('handles namespace prefixes and ignores XML that is not a CDA', () => {
    const cda =
      '<?xml version="1.0"?><v3:ClinicalDocument xmlns:v3="urn:hl7-org:v3"><v3:code code="X1"/>' +
      '<v3:recordTarget><v3:patientRole><v3:id root="1.2.250.1.213.1.4.8" extension="1"/><v3:id root="9.9"/>' +
      '</v3:patientRole></v3:recordTarget></v3:ClinicalDocument>';
    expect(cdaFacts('a.xml', cda)).toMatchObject({
      code: 'X1',
      hasIns: true,
      patientIds: [{ root: '1.2.250.1.213.1.4.8' }, { root: '9.9', extension: null }],
    });
    expect(cdaFacts('b.xml', '<other/>')).toBeUndefined();
    expect(cdaFacts('c.xml', 'not xml <<<')).toBeUndefined();
  });

  it('reports unreadable or oversized archives instead of failing', () => {
    expect(xdmFacts(new Uint8Array([1, 2, 3])).error).toBeTruthy();
    const many = Object.fromEntries(Array.from({ length: 250 }, (_, i) => [`f${i}.txt`, strToU8('x')]));
    expect(xdmFacts(zipSync(many)).error).toBe('archive too large');
  });
});
