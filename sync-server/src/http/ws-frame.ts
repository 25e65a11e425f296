/**
 * An unmasked, final, binary WebSocket frame (RFC 6455 §5.2), as a server
 * sends it: 0x82, then the payload length in 7, 7+16 or 7+64 bits, then the
 * payload. Built once per relayed message and written to every socket.
 */
export const binaryFrame = (payload: Uint8Array): Buffer => {
  const header = frameHeader(payload.byteLength);
  const frame = Buffer.allocUnsafe(header.byteLength + payload.byteLength);
  frame.set(header, 0);
  frame.set(payload, header.byteLength);
  return frame;
};

/** The header of such a frame alone, to send before a payload that is not copied. */
export const frameHeader = (length: number): Buffer => {
  const headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength);
  frame[0] = 0x82;
  if (length < 126) {
    frame[1] = length;
  } else if (length < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  return frame;
};
