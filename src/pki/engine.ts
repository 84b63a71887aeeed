// Crypto set-up shared by the whole PKI. reflect-metadata must be evaluated before @peculiar/x509 loads
// (tsyringe throws otherwise), and both libraries must sign with Node's WebCrypto. ES modules evaluate
// imports in order, so every PKI file takes x509/pkijs/asn1js from here rather than importing them itself.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

// No DOM library here: the libraries' `Crypto` type is taken from their own signatures.
const crypto = webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0];
x509.cryptoProvider.set(crypto);
pkijs.setEngine('node', new pkijs.CryptoEngine({ name: 'node', crypto }));

export { asn1js, pkijs, x509 };
