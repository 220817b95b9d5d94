// The picture the camera test's fake camera shows: a QR code holding an invitation's code, as
// a YUV4MPEG2 file (what Chromium's --use-file-for-fake-video-capture plays, in a loop).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import QRCode from 'qrcode';

/** The invitation code the fake camera shows. */
export const CAMERA_CODE = 'CAMQR7';
/** Where the video is written, relative to ui/. */
export const CAMERA_VIDEO = '../test-output/qr-camera.y4m';

export default function writeCameraVideo() {
  const [width, height, scale] = [640, 480, 10];
  const qr = QRCode.create(CAMERA_CODE, { errorCorrectionLevel: 'M' }).modules;
  const side = qr.size * scale;
  const [left, top] = [(width - side) / 2, (height - side) / 2];
  const luma = Buffer.alloc(width * height, 235); // white
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      if (qr.get(Math.floor(y / scale), Math.floor(x / scale))) luma[(top + y) * width + left + x] = 16;
    }
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128); // no colour
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma]);
  mkdirSync(dirname(CAMERA_VIDEO), { recursive: true });
  writeFileSync(
    CAMERA_VIDEO,
    Buffer.concat([Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`), frame, frame, frame]),
  );
}
