import { describe, expect, it } from 'vitest';
import { encodeExportResponse, encodeStatus } from './encode-response.js';

describe('encodeExportResponse', () => {
  it('encodes full success as an empty message: 0 bytes in protobuf, {} in JSON', () => {
    expect(encodeExportResponse('protobuf')).toEqual(new Uint8Array(0));
    expect(encodeExportResponse('json')).toBe('{}');
  });

  it('encodes partial success exactly as the specification example', () => {
    expect(Buffer.from(encodeExportResponse('protobuf', 3, 'bad') as Uint8Array).toString('hex')).toBe('0a0708031203626164');
    expect(encodeExportResponse('json', 3, 'bad')).toBe('{"partialSuccess":{"rejectedSpans":"3","errorMessage":"bad"}}');
  });

  it('trims a very long error message', () => {
    const json = JSON.parse(encodeExportResponse('json', 1, 'x'.repeat(10_000)) as string) as { partialSuccess: { errorMessage: string } };
    expect(json.partialSuccess.errorMessage.length).toBeLessThanOrEqual(4096);
  });
});

describe('encodeStatus', () => {
  it('encodes google.rpc.Status in protobuf (code 1, message 2) and JSON', () => {
    expect(Buffer.from(encodeStatus('protobuf', 3, 'no') as Uint8Array).toString('hex')).toBe('080312026e6f');
    expect(JSON.parse(encodeStatus('json', 14, 'later') as string)).toEqual({ code: 14, message: 'later' });
  });
});
