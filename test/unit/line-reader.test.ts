import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LineReader } from '../../src/mail/line-reader.ts';

function open() {
  const stream = new PassThrough();
  return { stream, reader: new LineReader(stream) };
}

describe('LineReader', () => {
  it('reads pipelined lines in order, across chunk boundaries', async () => {
    const { stream, reader } = open();
    stream.write('EHLO a\r\nMAIL FR');
    stream.write('OM:<x@y>\r\nRCPT TO:<z@y>\n');
    expect((await reader.readLine(100))!.text.toString()).toBe('EHLO a');
    expect(reader.buffered).toBeGreaterThan(0);
    expect((await reader.readLine(100))!.text.toString()).toBe('MAIL FROM:<x@y>');
    const third = await reader.readLine(100);
    expect(third).toMatchObject({ bareLf: true });
    expect(third!.text.toString()).toBe('RCPT TO:<z@y>');
  });

  it('drops an over-long line but stays in step with the next one', async () => {
    const { stream, reader } = open();
    stream.write('A'.repeat(5000));
    stream.write(`${'B'.repeat(5000)}\r\nNOOP\r\n`);
    expect(await reader.readLine(100)).toMatchObject({ tooLong: true });
    expect((await reader.readLine(100))!.text.toString()).toBe('NOOP');
  });

  it('reads exact byte counts for literals', async () => {
    const { stream, reader } = open();
    stream.write('ab');
    setTimeout(() => stream.write('cdef\r\n'), 5);
    expect((await reader.readBytes(4))!.toString()).toBe('abcd');
    expect((await reader.readLine(10))!.text.toString()).toBe('ef');
  });

  it('un-stuffs DATA, stops only at CRLF.CRLF and enforces the size limit', async () => {
    const { stream, reader } = open();
    stream.write('Subject: x\r\n\r\n..leading dot\r\n.\n still data\r\n.\r\nQUIT\r\n');
    const data = await reader.readDotData(1000, 100);
    expect(data!.data!.toString()).toBe('Subject: x\r\n\r\n.leading dot\r\n\r\n still data\r\n');
    expect(data!.bareLfLines).toBe(1);
    expect((await reader.readLine(10))!.text.toString()).toBe('QUIT');

    stream.write(`${'x'.repeat(50)}\r\n${'y'.repeat(50)}\r\n.\r\nNOOP\r\n`);
    const big = await reader.readDotData(60, 100);
    expect(big).toMatchObject({ data: undefined, size: 104 });
    expect((await reader.readLine(10))!.text.toString()).toBe('NOOP');
  });

  it('returns null at end of stream and hands back unread bytes on detach', async () => {
    const { stream, reader } = open();
    stream.write('STARTTLS\r\nEHLO injected\r\n');
    expect((await reader.readLine(100))!.text.toString()).toBe('STARTTLS');
    expect(reader.detach().toString()).toBe('EHLO injected\r\n');
    const other = new LineReader(new PassThrough().end('partial'));
    expect(await other.readLine(100)).toBeNull();
  });
});
